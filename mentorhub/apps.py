from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class MentorhubConfig(AppConfig):
    name = "mentorhub"
    verbose_name = "MentorHub core"

    def ready(self):
        from mentorhub import checks  # noqa: F401  (registers them)
        from mentorhub.sites import sync_site

        # post_migrate is sent per app with models; for the sites app, after its own receiver (connected
        # first: it is listed earlier) has made the default Site.
        post_migrate.connect(sync_site, sender=apps.get_app_config("sites"), dispatch_uid="mentorhub.sync_site")
