"""Settings for the test suite: the real settings, plus what makes tests fast and deterministic."""

from mentorhub.settings import *  # noqa: F403

# Tasks run in the test process so their effects can be asserted; the broker is
# still configured from REDIS_URL so health checks exercise it.
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# pytest-django's live server speaks WSGI only: its pages must not open a socket nobody answers. Browser
# tests that start Daphne turn it on (LIVE_NOTIFICATIONS=true in the server's environment).
LIVE_NOTIFICATIONS = env_bool("LIVE_NOTIFICATIONS", False)  # noqa: F405
# Funnel counts go to the cache as they are made: a pushing thread left running from one test would add
# that test's counts in the middle of the next one. analytics/tests/test_pending_counts.py runs the thread.
FUNNEL_COUNTS_PUSH_SECONDS = 0
# Serve static files straight from the apps, as `make run` does, without collectstatic.
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
if REDIS_URL:  # noqa: F405
    # Keep the suite's keys apart from anything else using the same Redis.
    CACHES["default"]["KEY_PREFIX"] = "mentorhub-test"  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = "mentorhub-test:ws"  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, like the real default: shared in-memory SQLite uses table locks that ignore the busy
    # timeout, so concurrent writers would fail instead of queueing as they do in production.
    import os
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"mentorhub-test-{os.getpid()}.sqlite3")
    }
