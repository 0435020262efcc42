"""The Celery app. Without REDIS_URL tasks run eagerly, in-process.

Run against Redis with a worker and a beat process:
    celery -A mentorhub worker -l info
    celery -A mentorhub beat -l info
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")

app = Celery("mentorhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
