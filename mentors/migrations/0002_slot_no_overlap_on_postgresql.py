"""A mentor never has two overlapping live slots: enforced by PostgreSQL itself.

SQLite has no exclusion constraints; there the slot services check overlap
inside their write-locked (IMMEDIATE) transaction instead.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE mentors_slot ADD CONSTRAINT mentors_slot_no_overlap
    EXCLUDE USING gist (mentor_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE (is_active);
"""
DROP = "ALTER TABLE mentors_slot DROP CONSTRAINT IF EXISTS mentors_slot_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("mentors", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
