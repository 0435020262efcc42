from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "mentors"
    verbose_name = "Mentors"

    def ready(self):
        from mentors import signals  # noqa: F401  (cache invalidation receivers)
