"""API routes for the figures: the staff overview and a mentor's own analytics."""

urlpatterns: list = []
