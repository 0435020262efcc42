"""Markers for tests that need a real service; they skip, with the reason, where it is absent."""

import os
import shutil

import pytest

IS_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://"))
HAS_REDIS = bool(os.environ.get("REDIS_URL"))
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HAS_CHROMIUM = os.path.exists(CHROMIUM)

requires_postgresql = pytest.mark.skipif(
    not IS_POSTGRESQL, reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
)
requires_redis = pytest.mark.skipif(not HAS_REDIS, reason="needs Redis: set REDIS_URL=redis://... to run")
requires_chromium = pytest.mark.skipif(
    not HAS_CHROMIUM, reason="needs Chromium: apt-get install chromium (or set CHROMIUM_PATH)"
)
