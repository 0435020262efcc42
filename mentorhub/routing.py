"""WebSocket routes of every app (chat, video signalling, live notifications)."""

websocket_urlpatterns: list = []
