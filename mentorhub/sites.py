"""The sites framework's Site follows SITE_URL.

allauth names the site in every account e-mail ("[MentorHub] Please Confirm…", "Hello from MentorHub!",
the address at the foot) from the current Site, which Django creates as "example.com". SITE_URL is the
one public address of a deployment, so migrate, which every start (`make run`) and deploy runs, writes it
into the Site.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

SITE_NAME = "MentorHub"


def sync_site(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc
    Site.objects.using(using).update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": SITE_NAME})
    Site.objects.clear_cache()
