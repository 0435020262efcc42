"""`manage.py backup` / `restore` (`make backup` / `restore`): a backup restored into a fresh database holds
every booking, payment and event, and restore refuses what would lose data by accident."""

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from bookings.models import Booking
from mentorhub import backup
from mentorhub.testing import ROOT, database_url, requires_postgresql
from mentorhub.tests.backup_history import make_history, snapshot


def manage(database_url: str, *args: str, settings: str = "mentorhub.settings") -> subprocess.CompletedProcess:
    """`manage.py ...` in a process of its own on ``database_url``, as `make backup` / `make restore` run it."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": settings,
           "SECRET_KEY": "backup-tests"}
    env.pop("REDIS_URL", None)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stderr
    return result


def assert_found_everything(restored: dict, source: dict) -> None:
    rows = source["rows"]
    assert len(rows["bookings.Booking"]) == 3 and len(rows["payments.Payment"]) == 3
    assert len(rows["bookings.BookingEvent"]) == 3 and len(rows["payments.PaymentEvent"]) == 4
    for label, expected in rows.items():
        assert restored["rows"][label] == expected, label
    assert restored["counts"] == source["counts"]


def test_a_sqlite_backup_taken_while_a_writer_holds_the_database_restores_every_booking_payment_and_event(
        tmp_path):
    source, fresh = tmp_path / "site.sqlite3", tmp_path / "fresh.sqlite3"
    ok(manage(f"sqlite:///{source}", "-m", "mentorhub.tests.backup_history", settings="mentorhub.test_settings"))
    with contextlib.closing(sqlite3.connect(source)) as site:
        before = snapshot(site)
        # The site is mid-write: the backup neither waits for it nor copies what is not committed.
        site.isolation_level = None
        site.execute("BEGIN IMMEDIATE")
        site.execute("UPDATE bookings_booking SET status = 'no_show'")
        output = ok(manage(f"sqlite:///{source}", "manage.py", "backup", "--output", str(tmp_path / "b.sqlite3")))
        site.execute("ROLLBACK")
    assert "Backed up" in output.stdout and (tmp_path / "b.sqlite3").stat().st_mode & 0o077 == 0

    ok(manage(f"sqlite:///{fresh}", "manage.py", "restore", str(tmp_path / "b.sqlite3")))
    with contextlib.closing(sqlite3.connect(fresh)) as restored:
        assert_found_everything(snapshot(restored), before)
        restored.execute("DELETE FROM payments_paymentevent")
        restored.commit()

    refused = manage(f"sqlite:///{fresh}", "manage.py", "restore", str(tmp_path / "b.sqlite3"))
    assert refused.returncode == 1 and "is not empty" in refused.stderr
    ok(manage(f"sqlite:///{fresh}", "manage.py", "restore", "--force", str(tmp_path / "b.sqlite3")))
    with contextlib.closing(sqlite3.connect(fresh)) as restored:
        assert_found_everything(snapshot(restored), before)


@pytest.fixture
def fresh_postgresql(transactional_db):
    """An empty database beside the test database, dropped afterwards: the restore's target."""
    db = connection.settings_dict
    name = f"{db['NAME']}_restore"
    params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"],
              "password": db["PASSWORD"] or None}

    def admin(statement: str) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as server:
            server.execute(sql.SQL(statement).format(sql.Identifier(name)))

    admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    admin("CREATE DATABASE {}")
    try:
        yield {"name": name, "url": f"{database_url().rsplit('/', 1)[0]}/{name}",
               "connect": lambda: psycopg.connect(dbname=name, **params)}
    finally:
        admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_a_fresh_database_with_every_booking_payment_and_event(
        tmp_path, fresh_postgresql):
    make_history()
    dump = tmp_path / "mentorhub.dump"
    call_command("backup", "--output", str(dump))
    assert dump.read_bytes().startswith(b"PGDMP") and dump.stat().st_mode & 0o077 == 0
    source = snapshot(connection)

    ok(manage(fresh_postgresql["url"], "manage.py", "restore", str(dump)))
    with fresh_postgresql["connect"]() as restored:
        assert_found_everything(snapshot(restored), source)
        restored.execute("UPDATE bookings_booking SET status = 'no_show'")

    refused = manage(fresh_postgresql["url"], "manage.py", "restore", str(dump))
    assert refused.returncode == 1 and "is not empty" in refused.stderr
    ok(manage(fresh_postgresql["url"], "manage.py", "restore", "--force", str(dump)))
    with fresh_postgresql["connect"]() as restored:
        assert_found_everything(snapshot(restored), source)


@requires_postgresql
@pytest.mark.django_db
def test_a_pg_dump_older_than_the_server_is_refused_with_the_client_to_install(tmp_path, monkeypatch):
    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PG_BINDIR", str(tmp_path))
    server = connection.pg_version // 10000
    with pytest.raises(backup.BackupError, match=f"pg_dump 9 cannot dump a PostgreSQL {server} server: install "
                                                 f"postgresql-client-{server}"):
        backup.backup(connection.settings_dict, tmp_path / "out.dump")
    assert not (tmp_path / "out.dump").exists()


def test_restore_refuses_without_a_backup_file(tmp_path):
    with pytest.raises(CommandError, match="the following arguments are required: path"):
        call_command("restore")
    with pytest.raises(backup.BackupError, match=f"No backup at {tmp_path / 'missing.dump'}"):
        call_command("restore", str(tmp_path / "missing.dump"))


def test_restore_refuses_a_file_that_is_no_backup_for_this_database(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    with pytest.raises(backup.BackupError, match="is not a"):
        call_command("restore", str(junk))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_has_tables_without_force_and_changes_nothing(tmp_path):
    make_history()
    path = tmp_path / "backup"
    call_command("backup", "--output", str(path))
    Booking.objects.update(status=Booking.Status.NO_SHOW)  # written after the backup: a restore would lose it
    with pytest.raises(backup.BackupError, match=r"is not empty \(\d+ tables\).*--force"):
        call_command("restore", str(path))
    assert set(Booking.objects.values_list("status", flat=True)) == {Booking.Status.NO_SHOW}


def test_backup_refuses_to_replace_an_existing_file(tmp_path):
    existing = tmp_path / "kept.dump"
    existing.write_bytes(b"an earlier backup")
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.backup({"ENGINE": backup.SQLITE, "NAME": tmp_path / "db.sqlite3"}, existing)
    assert existing.read_bytes() == b"an earlier backup"


def test_a_backup_or_restore_of_an_unknown_engine_says_so(tmp_path):
    database = {"ENGINE": "django.db.backends.mysql", "NAME": "mentorhub"}
    with pytest.raises(backup.BackupError, match="cover PostgreSQL and SQLite; this database's engine is "
                                                 "django.db.backends.mysql"):
        backup.backup(database, tmp_path / "out")
    with pytest.raises(backup.BackupError, match="django.db.backends.mysql"):
        backup.restore(database, tmp_path / "out")
    assert not list(tmp_path.iterdir())


def test_the_default_name_is_a_utc_timestamp_in_backups_with_the_engine_s_suffix(tmp_path):
    from datetime import UTC, datetime

    now = datetime(2026, 11, 24, 9, 30, 5, tzinfo=UTC)
    assert backup.default_path({"ENGINE": backup.POSTGRESQL}, tmp_path, now) == \
        tmp_path / "mentorhub-20261124T093005Z.dump"
    assert backup.default_path({"ENGINE": backup.SQLITE}, Path("backups"), now) == \
        Path("backups/mentorhub-20261124T093005Z.sqlite3")
