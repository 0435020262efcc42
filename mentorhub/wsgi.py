import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
application = get_wsgi_application()

from mentorhub.warmup import warm_up  # noqa: E402 (needs the settings the lines above configure)

warm_up()
