from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = "Sessions"

    def ready(self):
        from messaging.frames import register_frame
        from sessions_app.chat import FRAME_TYPE, session_message_frame

        # The session chat rides on /ws/chat; messaging sits below sessions_app, so it is told here.
        register_frame(FRAME_TYPE, session_message_frame)
