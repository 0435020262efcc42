"""Backups of the database: pg_dump/pg_restore for PostgreSQL, SQLite's online backup for the embedded default.

Both directions take a database's settings (``connection.settings_dict``), so a backup can be restored into
any database, not only the configured one. A backup is written beside its final name and renamed into place,
so a name only ever holds a finished backup; it is readable by its owner only (it holds password hashes and
payment records).
"""

import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import CommandError
from django.db.utils import load_backend

POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"
SUFFIXES = {POSTGRESQL: "dump", SQLITE: "sqlite3"}
# How each kind of backup starts, to refuse a file of the wrong kind before touching the database.
MAGIC = {POSTGRESQL: b"PGDMP", SQLITE: b"SQLite format 3\0"}


class BackupError(CommandError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def _engine(database: dict) -> str:
    engine = database["ENGINE"]
    if engine not in SUFFIXES:
        raise BackupError(f"Backups cover PostgreSQL and SQLite; this database's engine is {engine}. "
                          "Use that database's own backup tools.")
    return engine


def default_path(database: dict, directory: Path, now: datetime | None = None) -> Path:
    """``<directory>/mentorhub-<UTC timestamp>.<dump|sqlite3>``."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return directory / f"mentorhub-{stamp}.{SUFFIXES[_engine(database)]}"


def backup(database: dict, path: Path) -> Path:
    """Write a backup of ``database`` to ``path`` (refusing to replace an existing file) and return it."""
    engine = _engine(database)
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: choose another name (or delete it first).")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    # Created here, owner-only, so that pg_dump writes into a file nobody else can read.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        if engine == POSTGRESQL:
            _pg_dump(database, partial)
        else:
            _sqlite_copy(Path(database["NAME"]), partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def restore(database: dict, path: Path, *, force: bool = False) -> None:
    """Replace the contents of ``database`` with the backup at ``path``.

    Refuses a target that already has tables unless ``force``: a restore throws away everything written
    since the backup was taken (bookings, payments, webhook events), so it has to be asked for.
    """
    engine = _engine(database)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    with path.open("rb") as file:
        head = file.read(16)
    if not head.startswith(MAGIC[engine]):
        kinds = {POSTGRESQL: "a PostgreSQL dump (pg_dump --format=custom)", SQLITE: "a SQLite database"}
        raise BackupError(f"{path} is not {kinds[engine]}, which is what the configured database needs.")
    tables = table_names(database)
    if tables and not force:
        raise BackupError(
            f"The database {database['NAME']} is not empty ({len(tables)} tables). Restoring replaces all of its "
            "data with the backup's and loses whatever was written since; pass --force (make restore FORCE=1) "
            "if that is what you want, or restore into a new, empty database.")
    if engine == POSTGRESQL:
        _pg_restore(database, path)
    else:
        _sqlite_copy(path, Path(database["NAME"]))


def table_names(database: dict) -> list[str]:
    """The tables in ``database``, through a connection of its own (not the one requests share)."""
    wrapper = load_backend(database["ENGINE"]).DatabaseWrapper(database, alias="backup")
    try:
        with wrapper.cursor() as cursor:
            return wrapper.introspection.table_names(cursor)
    finally:
        wrapper.close()


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy page by page, while other connections keep writing."""
    if not source.is_file():
        raise BackupError(f"No SQLite database at {source}.")
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
        # One self-contained file for a backup; the site switches its own database back to WAL on connect.
        writer.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.DatabaseError as error:
        raise BackupError(f"SQLite could not copy {source} to {target}: {error}") from error
    finally:
        writer.close()
        reader.close()


def _pg_command(name: str) -> str:
    """The client program: from PG_BINDIR when set (e.g. /usr/lib/postgresql/16/bin), else from PATH."""
    directory = os.environ.get("PG_BINDIR")
    program = str(Path(directory) / name) if directory else shutil.which(name)
    if not program or not os.access(program, os.X_OK):
        raise BackupError(f"{name} was not found{' in ' + directory if directory else ' on PATH'}: install the "
                          "PostgreSQL client matching the server (Debian: postgresql-client-<major>), or set "
                          "PG_BINDIR to its bin directory.")
    return program


def _pg_connection(database: dict) -> tuple[list[str], dict]:
    """Connection flags and environment: host, port, user and database as flags; the password (and SSL and
    service options) as PG* variables, as Django's own dbshell does, so it never shows in a process list."""
    from django.db.backends.postgresql.client import DatabaseClient

    _, env = DatabaseClient.settings_to_cmd_args_env(database, [])
    flags = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            flags.append(f"{flag}={database[key]}")
    flags.append(f"--dbname={database['NAME']}")
    return flags, {**os.environ, **(env or {})}


def _major(version_output: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_output)
    return int(match.group(1)) if match else 0


def _server_major(database: dict) -> int:
    wrapper = load_backend(database["ENGINE"]).DatabaseWrapper(database, alias="backup")
    try:
        wrapper.ensure_connection()
        return wrapper.pg_version // 10000
    finally:
        wrapper.close()


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise BackupError(f"{Path(args[0]).name} failed (exit {result.returncode}):\n{result.stderr.strip()}")


def _pg_dump(database: dict, path: Path) -> None:
    program = _pg_command("pg_dump")
    # pg_dump refuses a server newer than itself; say which client to install rather than relay its error.
    client = _major(subprocess.run([program, "--version"], capture_output=True, text=True, check=True).stdout)
    server = _server_major(database)
    if client < server:
        raise BackupError(f"pg_dump {client} cannot dump a PostgreSQL {server} server: install "
                          f"postgresql-client-{server} (or set PG_BINDIR to its bin directory).")
    flags, env = _pg_connection(database)
    _run([program, "--format=custom", f"--file={path}", *flags], env)


def _pg_restore(database: dict, path: Path) -> None:
    program = _pg_command("pg_restore")
    flags, env = _pg_connection(database)
    # --clean --if-exists: replace what the dump holds, whether or not it is there yet. --no-owner and
    # --no-privileges: the restoring role owns everything, whatever roles the original server had.
    # --single-transaction: all or nothing, so a failed restore leaves the database as it was.
    _run([program, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", *flags, str(path)], env)
