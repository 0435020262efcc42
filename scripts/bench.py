"""`make bench`: load the hottest public endpoints and compare each with a stock Django + DRF project.

Seeds the data set (idempotent), starts the app as production runs it
(DEBUG off, gunicorn with 2 worker processes) and beside it, with the same
Python and gunicorn settings, the ceiling: bench/ceiling, a minimal Django +
DRF project whose APIView returns {"ok": true} (Security and Common middleware
only; no database, authentication or throttles). Each target, the ceiling
included, is driven with wrk (16 connections) in BENCH_ROUNDS short rounds; in
every round the ceiling runs right before each target, so drift on a busy
machine hits both alike. It prints a Markdown table of the median req/s,
p50/p99 latency, the ratio to the ceiling's median req/s and the workers'
memory, then req/s per round. Then the booking part (scripts/bench_booking.py: holds
under contention, bookable times, a long history), the chat part (scripts/bench_chat.py):
messages per second over /ws/chat on Daphne against a bare Channels relay
consumer, with 200 WebSockets, and the sweeps part (scripts/bench_sweeps.py): the
expiry and reminder sweeps over BENCH_SWEEP_ROWS (100,000) due rows each, in one process.

Environment: DATABASE_URL (PostgreSQL, as the target is defined there),
REDIS_URL (optional; shared cache and channel layer), BENCH_MENTORS (10000),
BENCH_DURATION seconds per target over all rounds (30; 300 for the soak),
BENCH_ROUNDS (3; e.g. 5 to see latency and memory over time), BENCH_WARMUP
seconds per target before measuring (3), BENCH_CONNECTIONS (16), BENCH_PORT
(8765) and BENCH_CEILING_PORT (BENCH_PORT + 1), BENCH_JSON (a file to write
the figures to), BENCH_SOCKETS (200), BENCH_SWEEP_ROWS (100000), BENCH_ONLY (http, booking, chat or
sweeps: one part only). In a full run the sweeps' figures go beside BENCH_JSON, as NAME.sweeps.json.
"""

import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CEILING_PORT = int(os.environ.get("BENCH_CEILING_PORT", str(PORT + 1)))
BASE = f"http://127.0.0.1:{PORT}"
CEILING_BASE = f"http://127.0.0.1:{CEILING_PORT}"
MENTORS = int(os.environ.get("BENCH_MENTORS", "10000"))
DURATION = int(os.environ.get("BENCH_DURATION", "30"))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "3")))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
CEILING = "ceiling: stock Django + DRF APIView {ok: true}"


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
        "DJANGO_SETTINGS_MODULE": "mentorhub.settings",  # production settings, even when started from a test
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


def wait_until_up(process: subprocess.Popen, url: str) -> None:
    for _ in range(120):
        if process.poll() is not None:
            sys.exit(f"The server for {url} exited during start-up.")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"{url} did not answer 200 in 60 seconds.")


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


def load(wrk: str, url: str, seconds: int) -> dict:
    output = subprocess.run(
        [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    # "Socket errors: connect 0, read 2, write 0, timeout 5": requests that got no answer count as errors too.
    socket_errors = re.search(r"Socket errors:([^\n]+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(map(int, re.findall(r"\d+", socket_errors.group(1)))) if socket_errors else 0),
    }


def main() -> None:
    only = os.environ.get("BENCH_ONLY", "")
    env = server_env()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        say("Note: DATABASE_URL is not PostgreSQL; the target is defined on PostgreSQL.")
    ensure_database()
    manage("migrate", "--noinput", "-v0", env=env)
    if only in ("", "http"):
        bench_http(env)
    if only in ("", "booking"):
        if only:
            manage("seed_bench", f"--mentors={MENTORS}", env=env)
        say("")
        subprocess.run([PYTHON, str(ROOT / "scripts" / "bench_booking.py")], cwd=ROOT, env=env, check=True)
    if only in ("", "chat"):
        say("")
        subprocess.run([PYTHON, str(ROOT / "scripts" / "bench_chat.py")], cwd=ROOT, env=env, check=True)
    if only in ("", "sweeps"):
        say("")
        bench_sweeps(env, alone=bool(only))


def bench_sweeps(env: dict, *, alone: bool) -> None:
    """scripts/bench_sweeps.py, which needs PostgreSQL and Redis: skipped with a note in a full run without them."""
    url = env.get("DATABASE_URL", "")
    if not alone and not (url.startswith(("postgres://", "postgresql://")) and env.get("REDIS_URL")):
        say("Sweeps part skipped: it needs PostgreSQL in DATABASE_URL and Redis in REDIS_URL.")
        return
    if not alone and env.get("BENCH_JSON"):  # the HTTP part's figures are in BENCH_JSON: a file beside it
        figures = Path(env["BENCH_JSON"])
        env = {**env, "BENCH_JSON": str(figures.with_name(f"{figures.stem}.sweeps{figures.suffix or '.json'}"))}
    done = subprocess.run([PYTHON, str(ROOT / "scripts" / "bench_sweeps.py")], cwd=ROOT, env=env)
    if done.returncode:
        sys.exit(done.returncode)


# gunicorn's access log line: the request's path and query, then the server's time for it in microseconds
# (from the request read to the response written), so a benchmark can report server time next to wall time.
ACCESS_LOG_FORMAT = "%(U)s?%(q)s %(D)s"


def gunicorn(app: str, port: int, *, cwd: Path, env: dict, access_log: Path | None = None) -> subprocess.Popen:
    """The one way both servers are started, so the app and the ceiling differ only in the project."""
    logging = ["--access-logfile", str(access_log), "--access-logformat", ACCESS_LOG_FORMAT] if access_log else []
    return subprocess.Popen(
        [PYTHON, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning",
         *logging],
        cwd=cwd, env=env,
    )


def server_times_ms(access_log: Path, path: str) -> list[float]:
    """The server's time for each logged request to ``path`` (query ignored), in ms, in the order served."""
    times = []
    for line in access_log.read_text().splitlines():
        logged, _, micros = line.rpartition(" ")
        if logged.split("?", 1)[0] == path:
            times.append(int(micros) / 1000)
    return times


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def schedule(targets: list[tuple[str, str]], rounds: int) -> list[list[tuple[str, str]]]:
    """Each round: the ceiling, then a target, for every target, starting one target later each round."""
    ceiling = targets[0]
    others = targets[1:]
    plan = []
    for number in range(rounds):
        shift = number % len(others)
        plan.append([run for target in others[shift:] + others[:shift] for run in (ceiling, target)])
    return plan


def summarise(name: str, runs: list[dict], ceiling_rps: float | None) -> dict:
    rps = statistics.median(run["rps"] for run in runs)
    return {
        "target": name,
        "rps": rps,
        "ratio": rps / ceiling_rps if ceiling_rps else 1.0,
        "p50_ms": statistics.median(run["p50"] for run in runs),
        "p99_ms": statistics.median(run["p99"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "rps_per_run": [round(run["rps"], 1) for run in runs],
    }


def markdown(rows: list[dict]) -> str:
    lines = ["| target | req/s | ratio to ceiling | p50 ms | p99 ms | errors | worker RSS MiB |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        lines.append(f"| {row['target']} | {row['rps']:.0f} | {row['ratio']:.2f} | {row['p50_ms']:.2f} | "
                     f"{row['p99_ms']:.2f} | {row['errors']} | {row['rss_before']:.0f} → {row['rss_after']:.0f} |")
    return "\n".join(lines)


def bench_http(env: dict) -> None:
    wrk = ensure_wrk()
    say(f"Preparing the data set ({MENTORS} approved mentors)...")
    manage("collectstatic", "--noinput", "-v0", env=env)
    manage("seed_bench", f"--mentors={MENTORS}", env=env)
    detail_id = subprocess.run(
        [PYTHON, "-c", "import django; django.setup(); from mentors.models import MentorProfile; "
         "q = MentorProfile.objects.filter(user__email__endswith='@bench.mentorhub.local').order_by('pk'); "
         "print(q.values_list('pk', flat=True)[q.count() // 2])"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    targets = [
        (CEILING, f"{CEILING_BASE}/hello"),
        ("app: bare DRF view /api/bench/ok {ok: true}", f"{BASE}/api/bench/ok"),
        ("app: the same view without rate limits /api/bench/ok-unlimited", f"{BASE}/api/bench/ok-unlimited"),
        ("GET /health", f"{BASE}/health"),
        ("GET mentors?skill=python&min_price=1000", f"{BASE}/api/v1/mentors?skill=python&min_price=1000"),
        (f"GET mentors/{detail_id}", f"{BASE}/api/v1/mentors/{detail_id}"),
    ]
    if os.environ.get("BENCH_TARGETS"):  # e.g. "mentors?" for the 5-minute run of the search alone
        wanted = [word.strip() for word in os.environ["BENCH_TARGETS"].split(",") if word.strip()]
        targets = targets[:1] + [t for t in targets[1:] if any(word in t[0] for word in wanted)]
        if len(targets) == 1:
            raise SystemExit(f"BENCH_TARGETS={os.environ['BENCH_TARGETS']!r} names none of the targets")
    # Nothing of the app's environment reaches the ceiling but the interpreter's own.
    ceiling_env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "TMPDIR")}
    ceiling_env["DJANGO_SETTINGS_MODULE"] = "ceiling.settings"
    servers = {
        BASE: gunicorn("mentorhub.wsgi:application", PORT, cwd=ROOT, env=env),
        CEILING_BASE: gunicorn("ceiling.wsgi:application", CEILING_PORT, cwd=ROOT / "bench", env=ceiling_env),
    }
    try:
        wait_until_up(servers[BASE], f"{BASE}/health")
        wait_until_up(servers[CEILING_BASE], f"{CEILING_BASE}/hello")
        time.sleep(2)
        pids = {base: worker_pids(server.pid) for base, server in servers.items()}
        if WARMUP:
            for _, url in targets:  # warm every worker's connections and caches
                load(wrk, url, WARMUP)
        rss_before = {base: rss_mib(pids[base]) for base in servers}
        seconds = max(1, DURATION // ROUNDS)
        runs = {name: [] for name, _ in targets}
        rss_per_round = {base: [] for base in servers}
        for plan in schedule(targets, ROUNDS):
            for name, url in plan:
                runs[name].append(load(wrk, url, seconds))
            for base in servers:
                rss_per_round[base].append(round(rss_mib(pids[base]), 1))
    finally:
        for server in servers.values():
            stop(server)
    ceiling = summarise(CEILING, runs[CEILING], None)
    rows = [ceiling] + [summarise(name, runs[name], ceiling["rps"]) for name, _ in targets[1:]]
    for row, (_, url) in zip(rows, targets, strict=True):
        base = CEILING_BASE if url.startswith(CEILING_BASE) else BASE
        row.update(rss_before=rss_before[base], rss_after=rss_per_round[base][-1], rss_per_round=rss_per_round[base])
    say("")
    say(markdown(rows))
    say(f"\n{MENTORS} mentors, {CONNECTIONS} connections, gunicorn with 2 workers each, {ROUNDS} rounds of "
        f"{seconds}s per target (the ceiling before each target in every round; medians shown), "
        f"{os.cpu_count()} CPUs shared with wrk and the other server, load average {os.getloadavg()[0]:.1f}.")
    say("\nreq/s per run, in order:")
    for row in rows:
        say(f"  {row['target']}: {', '.join(f'{rps:.0f}' for rps in row['rps_per_run'])}")
    say(f"Worker RSS MiB after each round: app {rss_per_round[BASE]}, ceiling {rss_per_round[CEILING_BASE]}")
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps({
            "mentors": MENTORS, "connections": CONNECTIONS, "rounds": ROUNDS, "seconds_per_run": seconds,
            "cpus": os.cpu_count(), "targets": rows,
        }, indent=2))


if __name__ == "__main__":
    main()
