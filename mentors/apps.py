from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "mentors"
    verbose_name = "Mentors"

    def ready(self):
        from mentors import signals  # noqa: F401  (cache invalidation receivers)
        from mentors.selectors import approved_profile_url, is_approved_mentor
        from messaging.contacts import register_contact_rule, register_profile_link

        # messaging sits below mentors: it learns who is a mentor through these (messaging/contacts.py).
        register_contact_rule(is_approved_mentor)
        register_profile_link(approved_profile_url)
