"""`make screenshots`: every main page at 1280 px and 390 px wide, as the demo people see it.

Starts the app on a throw-away SQLite database with the demo data (``seed_demo``) plus sessions in
every state (tests/browser/main_pages.py), signs in as each demo user in Chromium, and saves one
full-page PNG per page and width under ``screenshots/<width>/`` (ignored by git), then the same in a
browser that asks for Russian under ``screenshots/ru/<width>/``. It also reports any page that scrolls
sideways or writes an error to the browser console.

Environment: SCREENSHOTS_DIR (default: screenshots), SCREENSHOTS_PORT (default: a free port),
CHROMIUM_PATH (default: the chromium on PATH).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "screenshots").resolve()
PASSWORD = "mentorhub-demo"
# The demo people's own zones, so the browser agrees with their profile.
ZONES = {None: "Europe/Moscow", "ivan.student@mentorhub.local": "Europe/Moscow",
         "james.mentor@mentorhub.local": "America/New_York", "maria.mentor@mentorhub.local": "Europe/Moscow"}


def say(text: str) -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare() -> list:
    """Migrate a fresh database, load the demo data and the demo sessions; the pages to photograph."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", password=PASSWORD)
    from tests.browser.main_pages import demo_sessions

    return demo_sessions()


def serve(port: int, env: dict) -> subprocess.Popen:
    with open(env["SCREENSHOTS_LOG"], "w") as log:  # the child keeps its own copy of the file
        server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"The server did not start; see {env['SCREENSHOTS_LOG']}") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("The server did not answer within a minute.")


def photograph(base: str, pages: list, *, locale: str, out: Path) -> list[str]:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from mentorhub.testing import CHROMIUM
    from tests.browser.conftest import CHROMIUM_ARGS
    from tests.browser.main_pages import NARROW, WIDE
    from tests.browser.support import sign_in, watch

    problems: list[list[str]] = []  # each tab's JavaScript errors
    faults: list[str] = []
    people = list(dict.fromkeys(page.who for page in pages))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for width in (WIDE, NARROW):
            (out / str(width)).mkdir(parents=True, exist_ok=True)
            for who in people:
                context = browser.new_context(base_url=base, viewport={"width": width, "height": 900},
                                              timezone_id=ZONES.get(who, "Europe/London"), locale=locale)
                tab = context.new_page()
                problems.append(watch(tab))
                if who:
                    sign_in(tab, who, PASSWORD)
                for page in (p for p in pages if p.who == who):
                    try:
                        response = tab.goto(page.path)
                        tab.wait_for_load_state("networkidle")
                    except PlaywrightError as exc:
                        faults.append(f"{page.path}: {exc.message.splitlines()[0]}")
                        continue
                    if response.status != 200:
                        faults.append(f"{page.path}: HTTP {response.status}")
                    overflow = tab.evaluate("document.documentElement.scrollWidth") - width
                    if overflow > 0:
                        faults.append(f"{locale} {page.name} at {width} px: {overflow} px wider than the screen")
                    target = out / str(width) / f"{page.name}.png"
                    tab.screenshot(path=str(target), full_page=True)
                    say(f"  {target.relative_to(OUT.parent) if OUT.is_relative_to(ROOT) else target}")
                context.close()
        browser.close()
    return faults + [problem for errors in problems for problem in errors]


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="mentorhub-screenshots-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mentorhub.settings", "DEBUG": "true",
           "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}", "SECRET_KEY_FILE": str(workdir / "secret_key"),
           "SCREENSHOTS_LOG": str(workdir / "server.log"), "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    for name in ("REDIS_URL", "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    os.environ.clear()
    os.environ.update(env)
    port = int(os.environ.get("SCREENSHOTS_PORT") or free_port())
    say(f"Demo database in {workdir}")
    with open(workdir / "prepare.log", "w") as log, redirect_stdout(log), redirect_stderr(log):
        pages = prepare()  # the console e-mail backend prints every booking notice
    server = serve(port, env)
    try:
        problems = []
        for locale, out in (("en-GB", OUT), ("ru-RU", OUT / "ru")):
            for width in ("1280", "390"):  # only what an earlier run made: the folder may hold other files
                for old in (out / width).glob("*.png"):
                    old.unlink()
            say(f"Photographing {len(pages)} pages at 1280 and 390 px ({locale}):")
            problems += photograph(f"http://127.0.0.1:{port}", pages, locale=locale, out=out)
    finally:
        server.terminate()
        server.wait(timeout=15)
    shutil.rmtree(workdir, ignore_errors=True)
    for problem in problems:
        say(f"PROBLEM {problem}")
    say(f"Screenshots: {OUT}/{{1280,390}}/*.png and {OUT}/ru/{{1280,390}}/*.png")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
