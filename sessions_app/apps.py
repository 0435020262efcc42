from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = "Sessions"

    def ready(self):
        # messaging and bookings sit below sessions_app (docs/ARCHITECTURE.md, "Layers"): they are told here
        # what sessions_app adds to them, rather than importing it.
        from bookings.ports import Sessions, register_sessions
        from messaging.frames import register_frame
        from sessions_app import admin, selectors, services
        from sessions_app.chat import FRAME_TYPE, session_message_frame

        register_frame(FRAME_TYPE, session_message_frame)  # the session chat rides on /ws/chat
        register_sessions(Sessions(chat_transcript=selectors.chat_transcript, meeting_text=admin.meeting_text,
                                   no_show=services.session_no_show))
