"""The Russian catalogue is whole: every string marked for translation has a Russian text, none is a fuzzy
guess, and the compiled catalogues the app loads say the same as the .po files (`make messages`)."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "locale" / "ru" / "LC_MESSAGES"
IGNORE = [".venv", "clients", "staticfiles", "var", "docs", "screenshots", "node_modules"]


@pytest.fixture(scope="module")
def gathered(tmp_path_factory):
    """``makemessages`` run afresh over a copy of the code (it writes its catalogues next to the code it reads,
    so the repository's own files are left alone), as ``make messages`` runs it."""
    copy = tmp_path_factory.mktemp("project") / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".*", "node_modules", "staticfiles", "var", "docs",
                                                               "screenshots", "clients", "__pycache__", "*.sqlite3"))
    for domain, extra in (("django", []), ("djangojs", ["-i", "*/vendor/*"])):
        subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "ru", "-d", domain, "--no-obsolete",
                        *[arg for pattern in IGNORE for arg in ("-i", pattern)], *extra],
                       cwd=copy, check=True, capture_output=True, timeout=300)
    return copy / "locale" / "ru" / "LC_MESSAGES"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_makemessages_finds_no_untranslated_or_fuzzy_russian_string(gathered, domain):
    catalogue = polib.pofile(str(gathered / f"{domain}.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    assert len(catalogue.translated_entries()) > (400 if domain == "django" else 20)


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalogue_says_what_the_po_file_says(domain):
    source = polib.pofile(str(CATALOGUES / f"{domain}.po"))
    compiled = polib.mofile(str(CATALOGUES / f"{domain}.mo"))
    key = lambda entry: (entry.msgctxt or "", entry.msgid)  # noqa: E731
    texts = {key(e): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in compiled if e.msgid}
    expected = {key(e): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
                for e in source.translated_entries()}
    assert texts == expected


def test_russian_plurals_have_one_few_and_many_forms():
    catalogue = polib.pofile(str(CATALOGUES / "django.po"))
    assert "nplurals=4" in catalogue.metadata["Plural-Forms"]
    plurals = [entry for entry in catalogue if entry.msgid_plural]
    assert plurals, "no plural strings marked"
    for entry in plurals:
        assert all(entry.msgstr_plural.get(n) for n in range(3)), entry.msgid
