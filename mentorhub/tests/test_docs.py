"""The repository explains itself, and its documents cannot silently rot.

Every relative link in the README and in ``docs/`` must reach a file or folder of this repository (nothing
outside it, such as the team's ``../shared`` notes that a clone does not have), and every module path that
``docs/`` names in backticks (a token with a folder part ending in ``.py`` or ``/``, e.g.
``bookings/services.py`` or ``payments/tests/``) must exist. Generic paths are written ``<app>/api/``
and are not checked. Links and paths inside fenced code blocks are examples, not references.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR).resolve()
DOCUMENTS = sorted({ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "clients").glob("*/README.md")})
DOCS = sorted((ROOT / "docs").glob("*.md"))

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)  # https:, mailto:, protocol-relative
MODULE_PATH = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*/(?:[A-Za-z0-9_.-]+\.py)?")


def prose(text: str) -> str:
    """The text without fenced code blocks."""
    return FENCE.sub("", text)


def relative_links(text: str) -> list[str]:
    """Targets of the Markdown links in ``text`` that point into a repository (not a URL, not only an anchor)."""
    targets = (match.group(1) for match in LINK.finditer(CODE_SPAN.sub("", prose(text))))
    return [target for target in targets if not EXTERNAL.match(target) and not target.startswith("#")]


def module_paths(text: str) -> list[str]:
    """Backticked tokens of ``text`` that name a module or folder of the repository."""
    return [token for token in CODE_SPAN.findall(prose(text))
            if not token.startswith("/") and MODULE_PATH.fullmatch(token)]


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_readme_links_to_the_architecture_and_the_style_documents_in_the_repository():
    links = relative_links((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "docs/ARCHITECTURE.md" in links
    assert "docs/STYLE.md" in links
    assert (ROOT / "docs" / "ARCHITECTURE.md").is_file() and (ROOT / "docs" / "STYLE.md").is_file()


@pytest.mark.parametrize("document", DOCUMENTS, ids=_name)
def test_every_relative_link_reaches_a_file_inside_the_repository(document):
    broken = []
    for target in relative_links(document.read_text(encoding="utf-8")):
        resolved = (document.parent / target.split("#", 1)[0]).resolve()
        if not resolved.is_relative_to(ROOT):
            broken.append(f"{target} leaves the repository")
        elif not resolved.exists():
            broken.append(f"{target} does not exist")
    assert not broken, f"{_name(document)}: {broken}"


@pytest.mark.parametrize("document", DOCS, ids=_name)
def test_every_module_path_the_docs_name_exists(document):
    missing = [path for path in module_paths(document.read_text(encoding="utf-8")) if not (ROOT / path).exists()]
    assert not missing, f"{_name(document)} names paths that do not exist: {missing}"


def test_the_architecture_document_names_every_periodic_task():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = [f"{name} ({entry['task']})" for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
               if f"`{name}`" not in text or f"`{entry['task']}`" not in text]
    assert not missing, f"docs/ARCHITECTURE.md does not name these beat entries: {missing}"


def test_the_checks_see_what_they_are_meant_to_see():
    sample = ("See [the design](../shared/DESIGN.md), [home](https://example.com), [up](#top), "
              "`bookings/services.py`, `mentors/`, `/api/v1/`, `services.py`, `<app>/api/`.\n"
              "```\n[in a block](nowhere.md) `not/checked.py`\n```\n")
    assert relative_links(sample) == ["../shared/DESIGN.md"]
    assert module_paths(sample) == ["bookings/services.py", "mentors/"]
