"""The apps import one way only: the layers in ``.importlinter`` (docs/ARCHITECTURE.md, "Layers").

import-linter builds the import graph of every module, imports inside functions included, and refuses any
import from a lower layer into a higher one, directly or through other modules. Tests and migrations are
left out. The checker is itself checked: a copy of the project with one upward import added must fail.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR).resolve()
CONFIG = ROOT / ".importlinter"
LINT = Path(sys.executable).with_name("lint-imports")


def lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--config", str(cwd / ".importlinter"), "--no-cache"], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def contract() -> tuple[list[str], list[list[str]]]:
    """The root packages, and the layers top to bottom, each a list of its modules."""
    from importlinter.api import read_configuration

    config = read_configuration(str(CONFIG))
    [layers] = [c for c in config["contracts_options"] if c["type"] == "layers"]
    rows = layers["layers"] if isinstance(layers["layers"], list) else layers["layers"].split("\n")
    parsed = [[m.strip() for m in row.replace("|", ":").split(":") if m.strip()] for row in rows if row.strip()]
    roots = config["session_options"]["root_packages"]
    return (roots if isinstance(roots, list) else roots.split()), parsed


def project_copy(tmp_path: Path) -> Path:
    """The root packages' Python files and the contract, copied into ``tmp_path``."""
    roots, _ = contract()
    for package in roots:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                        dirs_exist_ok=False, copy_function=shutil.copy)
    shutil.copy(CONFIG, tmp_path / ".importlinter")
    return tmp_path


def test_the_apps_import_only_downward():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upward_import_inside_a_function_breaks_the_contract(tmp_path):
    copy = project_copy(tmp_path)
    assert lint(copy).returncode == 0  # the copy is as clean as the project
    (copy / "notifications" / "upward.py").write_text(
        "def remind(booking_id):\n"
        "    from bookings.models import Booking  # notifications is a leaf: this is refused\n\n"
        "    return Booking.objects.get(pk=booking_id)\n")
    result = lint(copy)
    assert result.returncode != 0
    assert "notifications is not allowed to import bookings" in result.stdout
    assert "notifications.upward -> bookings.models" in result.stdout


def test_the_shared_kernel_may_not_reach_the_composition_root(tmp_path):
    copy = project_copy(tmp_path)
    (copy / "mentorhub" / "dates.py").write_text(
        (copy / "mentorhub" / "dates.py").read_text() + "\n\ndef home():\n    from mentorhub import views\n\n"
        "    return views\n")
    result = lint(copy)
    assert result.returncode != 0
    assert "mentorhub.dates -> mentorhub.views" in result.stdout


def test_every_module_of_the_project_package_is_placed_in_a_layer():
    """``mentorhub`` is both the composition root (top) and the shared kernel (bottom): a new module of it
    must be put in one of the two, or it would escape the contract. Empty package markers import nothing."""
    _, layers = contract()
    placed = {module for layer in layers for module in layer if module.startswith("mentorhub.")}
    unplaced = []
    for path in sorted((ROOT / "mentorhub").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "tests" in parts or "migrations" in parts or parts == ("mentorhub", "__init__"):
            continue
        if parts[-1] == "__init__" and not path.read_text().strip():
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if not any(name == p or name.startswith(f"{p}.") for p in placed):
            unplaced.append(name)
    assert unplaced == []


def test_every_domain_app_is_a_layer_of_its_own():
    roots, layers = contract()
    apps = sorted(set(roots) - {"mentorhub"})
    assert sorted(layer[0] for layer in layers if len(layer) == 1) == apps
    assert {"mentorhub.urls", "mentorhub.routing"} <= set(layers[0])  # the composition root on top
    assert layers[-2] == ["notifications"]  # the leaf every app may use, just above the kernel
    assert "mentorhub.errors" in layers[-1]
