"""The schema yields TypeScript types that compile, and clients/typescript/client.ts type-checks
against them: openapi-typescript and tsc, pinned in clients/typescript/package-lock.json and
installed by `make install-dev` (npm ci)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

CLIENT = Path(settings.BASE_DIR) / "clients" / "typescript"
BIN = CLIENT / "node_modules" / ".bin"
# openapi-typescript makes a property with a default required unless told otherwise; in a request
# body a default means the client may leave it out.
GENERATE_OPTIONS = ["--default-non-nullable", "false"]


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_schema_generates_typescript_types_that_the_example_client_compiles_against(client, tmp_path):
    # Not a skip: CI forbids them, and a missing tool chain would hide a broken client.
    assert shutil.which("node"), "Node.js 20+ is needed for the TypeScript client check: install it (and npm)"
    assert (BIN / "tsc").exists() and (BIN / "openapi-typescript").exists(), (
        "clients/typescript/node_modules is missing: run `make install-dev` (npm ci in clients/typescript)")
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    (tmp_path / "openapi.json").write_text(json.dumps(response.json()))
    for name in ("client.ts", "tsconfig.json"):
        shutil.copy(CLIENT / name, tmp_path / name)

    generated = run(BIN / "openapi-typescript", "openapi.json", "--output", "schema.d.ts", *GENERATE_OPTIONS,
                    cwd=tmp_path)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "export interface paths" in (tmp_path / "schema.d.ts").read_text()

    compiled = run(BIN / "tsc", "--noEmit", "--pretty", "false", "-p", "tsconfig.json", cwd=tmp_path)
    assert compiled.returncode == 0, "tsc found errors:\n" + compiled.stdout + compiled.stderr
