"""The Celery app.

With REDIS_URL, Redis is the broker; run a worker and one beat:
    celery -A mentorhub worker -l info
    celery -A mentorhub beat -l info

Without it (the embedded default), web processes run tasks in-process, and `make run` (scripts/run.py)
starts a worker with beat on a broker kept in files under VAR_DIR, for the periodic sweeps.
"""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")

app = Celery("mentorhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def make_broker_folders(sender, source, **kwargs) -> None:
    """kombu's filesystem transport expects its folders to exist; the embedded default keeps them in VAR_DIR."""
    if source.broker_url.startswith("filesystem:"):
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            Path(source.broker_transport_options[key]).mkdir(parents=True, exist_ok=True)
