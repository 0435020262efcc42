import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
application = get_wsgi_application()

# Load every URL pattern, and with them every view, serializer and service module, while the worker starts
# rather than in the first request it serves (about 0.4 s that each worker's first caller would wait).
get_resolver().url_patterns  # noqa: B018 (the property imports the URLconf)
