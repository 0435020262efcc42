"""`manage.py restore PATH [--force]`: a backup into the configured database (`make restore`). Asks nothing:
it refuses instead, so that scripts can run it. See README, Backups."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection

from mentorhub import backup


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into the configured database. Stop the site first. "
            "Refuses a database that already has tables unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup file (.dump for PostgreSQL, .sqlite3 for SQLite)")
        parser.add_argument("--force", action="store_true",
                            help="replace a database that is not empty (everything written since the backup is lost)")

    def handle(self, *args, path: Path, force: bool, **options):
        database = connection.settings_dict
        # Our own connection must not hold the database (SQLite's file, PostgreSQL's locks) while it is replaced.
        connection.close()
        backup.restore(database, path, force=force)
        self.stdout.write(f"Restored {path} into {database['NAME']}. Run `manage.py migrate` if the backup "
                          "predates the code, and restart the site.")
