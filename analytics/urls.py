"""Pages of the analytics app (the staff dashboard)."""

app_name = "analytics"

urlpatterns: list = []
