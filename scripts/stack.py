"""`make stack`: the scaled-out shape on this machine, from deploy/Procfile.stack, run by honcho.

nginx on PORT (default 8080) serves the collected static files itself, sends /ws/ to the ASGI server (Daphne)
and everything else to two gunicorn servers taking turns; two Celery workers and one beat run beside them, on
this machine's PostgreSQL and Redis. Each output line is prefixed with its process's name; Ctrl+C (or SIGTERM)
stops them all.

    python scripts/stack.py [--host 127.0.0.1] [--port 8080]

First it creates the database if it does not exist, migrates, collects the static files and writes nginx's
configuration (deploy/nginx.conf.template) into VAR_DIR/stack/. The gunicorn servers listen on PORT+1 and
PORT+2 and Daphne on PORT+3, on 127.0.0.1. The environment is `make run`'s production profile (DEBUG off, the
generated key unless SECRET_KEY is set, plain HTTP) with DATABASE_URL and REDIS_URL defaulting to the local
services and NUM_PROXIES=1 (nginx); every variable can be overridden.
"""

import argparse
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from run import SERVED_HERE, site_url

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "deploy" / "Procfile.stack"
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
DEFAULTS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/mentorhub",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "NUM_PROXIES": "1",  # nginx appends the client's address to X-Forwarded-For
    "WEB_CONCURRENCY": "2",  # gunicorn worker processes per web server
    "WORKER_CONCURRENCY": "2",  # task processes per Celery worker
    "PYTHONUNBUFFERED": "1",  # lines reach honcho as they are written
}


class StackError(Exception):
    pass


def environment(base, host: str, port: int) -> dict[str, str]:
    env = dict(base)
    for name, value in {**SERVED_HERE, **DEFAULTS}.items():
        env.setdefault(name, value)
    env.setdefault("SITE_URL", site_url(host, port))
    var_dir = Path(env.get("VAR_DIR") or ROOT / "var")
    env.update({
        "VAR_DIR": str(var_dir),
        "STACK_DIR": str(var_dir / "stack"),
        "WEB1_PORT": str(port + 1), "WEB2_PORT": str(port + 2), "ASGI_PORT": str(port + 3),
        # The virtualenv's gunicorn, daphne and celery; Debian keeps nginx in /usr/sbin.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", ""), "/usr/sbin", "/sbin"]),
    })
    return env


def nginx_config(env: dict[str, str], host: str, port: int) -> str:
    """deploy/nginx.conf.template with this stack's ports and paths."""
    static_root = Path(env.get("STATIC_ROOT") or ROOT / "staticfiles").resolve()
    # Started as root, nginx would run its workers as "nobody", who may not read the static files.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    values = {"USER": user, "HOST": f"[{host}]" if ":" in host else host, "PORT": str(port),
              "WEB1_PORT": env["WEB1_PORT"], "WEB2_PORT": env["WEB2_PORT"], "ASGI_PORT": env["ASGI_PORT"],
              "STATIC_ROOT": str(static_root), "MIME_TYPES": str(_mime_types(env["NGINX"]))}
    return re.sub(r"@([A-Z0-9_]+)@", lambda match: values[match.group(1)], TEMPLATE.read_text())


def _mime_types(nginx: str) -> Path:
    built = subprocess.run([nginx, "-V"], capture_output=True, text=True).stderr
    conf = re.search(r"--conf-path=(\S+)", built)
    path = Path(conf.group(1)).parent / "mime.types" if conf else Path("/etc/nginx/mime.types")
    if not path.exists():
        raise StackError(f"nginx's mime.types is not at {path}.")
    return path


def check_ports_free(addresses: list[tuple[str, int]]) -> None:
    for host, port in addresses:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, port))
            except OSError as error:
                raise StackError(f"Port {port} is taken ({error.strerror}): choose another PORT (the stack uses "
                                 f"PORT to PORT+3).") from error


def create_database(url: str) -> None:
    """Create the PostgreSQL database ``url`` names, unless it exists."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    maintenance = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"stack: created the database {name}", flush=True)
    except psycopg.OperationalError as error:
        raise StackError(f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432}: {error}") from error


def prepare(env: dict[str, str], host: str, port: int) -> None:
    env["NGINX"] = shutil.which("nginx", path=env["PATH"]) or ""
    if not env["NGINX"]:
        raise StackError("nginx is not installed: apt-get install nginx (Debian's package).")
    check_ports_free([(host, port), *(("127.0.0.1", port + offset) for offset in (1, 2, 3))])
    create_database(env["DATABASE_URL"])
    for command in (["migrate", "--noinput", "-v1"], ["collectstatic", "--noinput", "-v0"]):
        if subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env).returncode:
            raise StackError(f"manage.py {command[0]} failed.")
    stack_dir = Path(env["STACK_DIR"])
    stack_dir.mkdir(parents=True, exist_ok=True)
    (stack_dir / "nginx.conf").write_text(nginx_config(env, host, port))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="the address nginx listens on")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    env = environment(os.environ, args.host, args.port)
    try:
        prepare(env, args.host, args.port)
    except StackError as error:
        print(f"stack: {error}", file=sys.stderr)
        return 1
    print(f"stack: MentorHub on {env['SITE_URL']}/ (nginx), web on :{env['WEB1_PORT']} and :{env['WEB2_PORT']} "
          f"(gunicorn), WebSockets on :{env['ASGI_PORT']} (Daphne); Ctrl+C stops it all.", flush=True)
    # honcho takes this process's place, so a signal to it (Ctrl+C, SIGTERM) reaches the supervisor itself,
    # which stops every process group it started and kills what is left after a few seconds.
    os.chdir(ROOT)
    os.execve(sys.executable, [sys.executable, "-m", "honcho", "start", "--no-colour", "-f", str(PROCFILE),
                               "-d", str(ROOT)], env)
    return 1  # not reached: execve returns only by raising


if __name__ == "__main__":
    sys.exit(main())
