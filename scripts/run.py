"""`make run` and `make dev`: the web server and a Celery worker with beat, started together and stopped together.

`make run` serves the product as it runs in production, on this machine over plain HTTP: DEBUG off (the
site's own error pages, never Django's debug page), Daphne (the production ASGI server: HTTP and WebSocket
in one process, which the in-memory channel layer needs), static files collected first and
served by WhiteNoise under hashed names. ``SERVED_HERE`` lists the settings that profile adds, each
overridable from the environment. `make dev` (``--dev``) is the developer's server instead: Django's
runserver (Daphne's: HTTP and WebSocket), reloading on code changes, with DEBUG on.

The worker runs the periodic sweeps of CELERY_BEAT_SCHEDULE (expire overdue holds, release unpaid seats,
send reminders) and any task queued for it: without REDIS_URL on the embedded broker in VAR_DIR (files, no
other service), with it on Redis. Web processes without Redis still run their own task calls in-process, so
nothing a request does waits for the worker.

Ctrl+C (or SIGTERM) stops both. If either one stops on its own, the other is stopped too and this script
exits with a failure status.

    python scripts/run.py [--host 127.0.0.1] [--port 8000] [--dev [--noreload]]

SITE_URL, unless set, becomes http://HOST:PORT (127.0.0.1 for a wildcard host), so links in e-mails,
calendar files and the API point at this server. CORS_ALLOWED_ORIGINS, unless set, lists the usual local
front-end dev servers (ports 3000, 5173 and 8080 on localhost and 127.0.0.1), so an SPA in development can
call the API; production's default is none.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WILDCARD_HOSTS = {"0.0.0.0", "::", ""}
STOP_TIMEOUT = 15
# Next.js / Create React App, Vite, Vue CLI / webpack-dev-server.
DEV_FRONTEND_ORIGINS = [f"http://{host}:{port}" for host in ("localhost", "127.0.0.1") for port in (3000, 5173, 8080)]
# Production mode as served on one machine over plain HTTP. Everything else stays as strict as production.
SERVED_HERE = {
    "DEBUG": "false",
    # The key generated into VAR_DIR/secret_key: every process here shares that one file. A deployment
    # never sets this flag, so DEBUG=false without SECRET_KEY still refuses to start.
    "SECRET_KEY_GENERATE": "true",
    # http://127.0.0.1: no redirect to an HTTPS that is not there, no HSTS for it, cookies http:// keeps.
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "SECURE_COOKIES": "false",
    # No Stripe keys: the offline test provider, which every payment page labels "Test mode".
    "PAYMENTS_OFFLINE_ALLOWED": "true",
}


class Stop(Exception):
    pass


def site_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in WILDCARD_HOSTS else host
    return f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"


def commands(host: str, port: int, *, dev: bool, reload: bool) -> dict[str, list[str]]:
    if dev:
        address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        web = [sys.executable, "manage.py", "runserver", address, *([] if reload else ["--noreload"])]
    else:
        web = [sys.executable, "-m", "daphne", "--bind", host, "--port", str(port), "--access-log", "-",
               "mentorhub.asgi:application"]
    # One process runs the tasks (solo pool) and beat beside it; mingle, gossip and heartbeats are
    # messages between workers, and this is the only one.
    worker = [sys.executable, "-m", "celery", "-A", "mentorhub", "worker", "--beat", "--loglevel", "INFO",
              "--pool", "solo", "--without-mingle", "--without-gossip", "--without-heartbeat",
              "--hostname", "mentorhub-run@%h"]
    return {"web": web, "worker": worker}


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    # Each in its own process group, so stopping it stops its children too (runserver's reloader child,
    # beat's process) and a Ctrl+C reaches this script alone, which then stops them in order.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        # Whatever is left in the group (a child that ignored SIGTERM) goes now.
        _signal_group(process, signal.SIGKILL)
        process.wait()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def environment(base, host: str, port: int, *, dev: bool = False) -> dict[str, str]:
    """The web server's and worker's environment: ``base`` plus this server's defaults."""
    env = dict(base)
    for name, value in ({"DEBUG": "true"} if dev else SERVED_HERE).items():
        env.setdefault(name, value)
    env.setdefault("SITE_URL", site_url(host, port))
    env.setdefault("CORS_ALLOWED_ORIGINS", ",".join(DEV_FRONTEND_ORIGINS))
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--dev", action="store_true", help="runserver with DEBUG on, reloading on code changes")
    parser.add_argument("--noreload", action="store_true", help="with --dev: do not reload on code changes")
    args = parser.parse_args(argv)

    env = environment(os.environ, args.host, args.port, dev=args.dev)
    if not args.dev:
        # Served under hashed names from STATIC_ROOT (the manifest storage), as collected with this very profile.
        collected = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                                   env=env)
        if collected.returncode:
            return collected.returncode
    # The worker is the one process that must take tasks from the broker rather than run them where called.
    worker_env = {**env, "CELERY_TASK_ALWAYS_EAGER": "false"}

    def on_signal(signum, frame):
        raise Stop()

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)

    command = commands(args.host, args.port, dev=args.dev, reload=not args.noreload)
    processes: dict[str, subprocess.Popen] = {}
    try:
        processes["worker"] = start(command["worker"], worker_env)
        processes["web"] = start(command["web"], env)
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"run: the {name} process stopped (exit status {process.returncode}); stopping the rest.",
                          file=sys.stderr, flush=True)
                    return process.returncode if process.returncode > 0 else 1
            time.sleep(0.5)
    except Stop:
        return 0
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl+C must not cut the teardown short
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
