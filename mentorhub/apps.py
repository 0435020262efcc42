from django.apps import AppConfig


class MentorhubConfig(AppConfig):
    name = "mentorhub"
    verbose_name = "MentorHub core"
