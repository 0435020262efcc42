"""`make bench`'s HTTP part (scripts/bench.py) measures every target against the stock Django + DRF ceiling
in the same run: a tiny run (one round of a second per target, 5 mentors, 2 connections) on the test database
prints a Markdown table with the ceiling's row and each target's ratio to it, and writes the same figures.

Any database; Redis when REDIS_URL is set, as the bench itself. Needs wrk (Debian's package), like `make bench`.
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from mentorhub.testing import ROOT, database_url, free_port

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("wrk"), reason="needs wrk: apt-get install wrk"),
]

APP_TARGETS = ("app: bare DRF view /api/bench/ok", "app: the same view without rate limits", "GET /health",
               "GET mentors?skill=python", "GET mentors/")


def test_a_tiny_bench_run_reports_every_target_as_a_ratio_to_the_ceiling_measured_in_the_same_run(tmp_path):
    figures = tmp_path / "bench.json"
    env = {**os.environ, "DATABASE_URL": database_url(), "BENCH_ONLY": "http", "BENCH_MENTORS": "5",
           "BENCH_DURATION": "1", "BENCH_ROUNDS": "1", "BENCH_WARMUP": "1", "BENCH_CONNECTIONS": "2",
           "BENCH_PORT": str(free_port()), "BENCH_CEILING_PORT": str(free_port()), "BENCH_JSON": str(figures)}
    run = subprocess.run([sys.executable, "scripts/bench.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    table = [line for line in run.stdout.splitlines() if line.startswith("| ")]
    assert table[0] == "| target | req/s | ratio to ceiling | p50 ms | p99 ms | errors | worker RSS MiB |"
    rows = {cells[0]: cells[1:] for cells in (line.strip("| ").split(" | ") for line in table[1:])}
    ceiling, *targets = rows
    assert ceiling.startswith("ceiling: stock Django + DRF APIView") and rows[ceiling][1] == "1.00"
    assert len(targets) == len(APP_TARGETS)
    assert all(name.startswith(wanted) for name, wanted in zip(targets, APP_TARGETS, strict=True)), targets
    for name in targets:
        assert re.fullmatch(r"\d+\.\d\d", rows[name][1]) and float(rows[name][1]) > 0, (name, rows[name])

    written = json.loads(figures.read_text())["targets"]
    assert [row["target"] for row in written] == list(rows)
    ceiling_rps = written[0]["rps"]
    # The ceiling ran before each of the targets; every figure comes from answered requests only.
    assert len(written[0]["rps_per_run"]) == len(APP_TARGETS)
    for row in written:
        assert row["rps"] > 0 and row["errors"] == 0, row
        assert row["ratio"] == pytest.approx(row["rps"] / ceiling_rps)
        assert 0 < row["p50_ms"] <= row["p99_ms"]
        assert row["rss_after"] > 0
    # The ceiling's workers are a separate, smaller project: none of the app's imports.
    assert written[0]["rss_after"] < written[1]["rss_after"]


def test_server_times_are_read_from_gunicorns_access_log_for_the_path_asked(tmp_path):
    # A real gunicorn, with the log format bench.gunicorn gives it: the path, the query, the microseconds.
    spec = importlib.util.spec_from_file_location("bench_script", ROOT / "scripts" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    log, port = tmp_path / "access.log", free_port()
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "TMPDIR")}
    server = bench.gunicorn("ceiling.wsgi:application", port, cwd=ROOT / "bench",
                            env={**env, "DJANGO_SETTINGS_MODULE": "ceiling.settings"}, access_log=log)
    try:
        bench.wait_until_up(server, f"http://127.0.0.1:{port}/hello")
        for query in ("", "?a=1", "?b=2"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/hello{query}", timeout=10) as response:
                assert response.status == 200
        deadline = time.monotonic() + 10
        while len(bench.server_times_ms(log, "/hello")) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        bench.stop(server)
    times = bench.server_times_ms(log, "/hello")
    assert len(times) >= 4 and all(0 < ms < 10_000 for ms in times), log.read_text()
    assert bench.server_times_ms(log, "/other") == []
