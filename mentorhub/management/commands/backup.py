"""`manage.py backup`: a backup of the configured database (`make backup`). See README, Backups."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from mentorhub import backup


class Command(BaseCommand):
    help = ("Back up the configured database: pg_dump --format=custom for PostgreSQL, SQLite's online backup for "
            "the embedded default. Safe while the site runs.")

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", type=Path,
                            help="where to write it (default: backups/mentorhub-<UTC timestamp>.<dump|sqlite3>)")

    def handle(self, *args, output: Path | None, **options):
        database = connection.settings_dict
        path = output or backup.default_path(database, Path(settings.BASE_DIR) / "backups")
        written = backup.backup(database, path)
        self.stdout.write(f"Backed up {database['NAME']} to {written}")
