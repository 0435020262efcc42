"""`make bench`: load the hottest public endpoints against a bare DRF view on the same server.

Seeds the data set (idempotent), starts the app as production runs it
(DEBUG off, gunicorn with 2 worker processes), drives each target with wrk
(16 connections) and prints req/s, p50/p99 latency, the ratio to the bare
view and the workers' memory before and after. Then the chat part
(scripts/bench_chat.py): messages per second over /ws/chat on Daphne against
a bare Channels relay consumer, with 200 WebSockets.

Environment: DATABASE_URL (PostgreSQL, as the target is defined there),
REDIS_URL (optional; shared cache and channel layer), BENCH_MENTORS (10000),
BENCH_DURATION seconds per target (30; 300 for the soak), BENCH_SLICES (1;
e.g. 5 to see latency and memory over time), BENCH_PORT (8765),
BENCH_SOCKETS (200), BENCH_ONLY (http or chat: one part only).
"""

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
MENTORS = int(os.environ.get("BENCH_MENTORS", "10000"))
DURATION = int(os.environ.get("BENCH_DURATION", "30"))
SLICES = max(1, int(os.environ.get("BENCH_SLICES", "1")))
CONNECTIONS = 16


def say(text: str) -> None:
    print(text, flush=True)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("Installing wrk (Debian package)...")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, stdout=subprocess.DEVNULL,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed for `make bench`: apt-get install wrk")
    return found


def ensure_database() -> None:
    """Create the PostgreSQL database named in DATABASE_URL if it does not exist yet."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(dbname="postgres", user=config["USER"], password=config["PASSWORD"] or None,
                         host=config["HOST"] or None, port=config["PORT"] or None, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def manage(*args: str, env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def server_env() -> dict:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BENCH_ENDPOINTS": "1",
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        # Plain HTTP on loopback with the offline provider: a measurement, not a public site.
        "SECURE_SSL_REDIRECT": "false",
        "PAYMENTS_OFFLINE_ALLOWED": "true",
        # The benchmark measures serving, not rate limiting.
        **{f"THROTTLE_{scope}": "100000000/hour" for scope in ("ANON", "USER", "PREMIUM", "AUTH")},
    }


def wait_until_up(process: subprocess.Popen) -> None:
    for _ in range(120):
        if process.poll() is not None:
            sys.exit("The server exited during start-up.")
        try:
            with urllib.request.urlopen(f"{BASE}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit("The server did not become healthy in 60 seconds.")


def worker_pids(parent: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.append(int(stat.parent.name))
    return children or [parent]


def rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
        except OSError:
            continue
        total += int(match.group(1)) if match else 0
    return total / 1024


def to_ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load(wrk: str, path: str, seconds: int) -> dict:
    output = subprocess.run(
        [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", f"{BASE}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def main() -> None:
    only = os.environ.get("BENCH_ONLY", "")
    env = server_env()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        say("Note: DATABASE_URL is not PostgreSQL; the target is defined on PostgreSQL.")
    ensure_database()
    manage("migrate", "--noinput", "-v0", env=env)
    if only != "chat":
        bench_http(env)
    if only != "http":
        say("")
        subprocess.run([PYTHON, str(ROOT / "scripts" / "bench_chat.py")], cwd=ROOT, env=env, check=True)


def bench_http(env: dict) -> None:
    wrk = ensure_wrk()
    say(f"Preparing the data set ({MENTORS} approved mentors)...")
    manage("collectstatic", "--noinput", "-v0", env=env)
    manage("seed_bench", f"--mentors={MENTORS}", env=env)
    detail_id = subprocess.run(
        [PYTHON, "-c", "import django; django.setup(); from mentors.models import MentorProfile; "
         "q = MentorProfile.objects.filter(user__email__endswith='@bench.mentorhub.local').order_by('pk'); "
         "print(q.values_list('pk', flat=True)[q.count() // 2])"],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "mentorhub.settings"}, capture_output=True, text=True,
        check=True,
    ).stdout.strip()
    targets = [
        ("bare DRF view {ok: true}", "/bench/ok"),
        ("GET mentors?skill=python&min_price=1000", "/api/v1/mentors?skill=python&min_price=1000"),
        (f"GET mentors/{detail_id}", f"/api/v1/mentors/{detail_id}"),
    ]
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "mentorhub.wsgi:application", "--bind", f"127.0.0.1:{PORT}", "--workers", "2",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        wait_until_up(server)
        time.sleep(2)
        pids = worker_pids(server.pid)
        for _, path in targets:  # warm every worker's connections and caches
            load(wrk, path, 3)
        rows = []
        for name, path in targets:
            for index in range(SLICES):
                before = rss_mib(pids)
                result = load(wrk, path, max(5, DURATION // SLICES))
                rows.append((name if SLICES == 1 else f"{name} [{index + 1}/{SLICES}]", result, before, rss_mib(pids)))
        bare = rows[0][1]["rps"]
        say("")
        say(f"{'target':<48} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8} {'errors':>7} {'RSS MiB':>15}")
        for name, result, before, after in rows:
            say(f"{name:<48} {result['rps']:>9.0f} {result['p50']:>8.2f} {result['p99']:>8.2f} "
                f"{result['rps'] / bare:>8.2f} {result['errors']:>7} {before:>7.0f}->{after:<7.0f}")
        say(f"\n{MENTORS} mentors, {CONNECTIONS} connections, gunicorn with 2 workers, {DURATION}s per target, "
            f"{os.cpu_count()} CPUs (wrk shares them).")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
