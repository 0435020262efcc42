from django.urls import path

from mentors import views

app_name = "mentors"

urlpatterns = [
    path("mentors/", views.mentor_list, name="list"),
    path("mentors/apply/", views.apply, name="apply"),
    path("mentors/<int:pk>/", views.mentor_detail, name="detail"),
    path("mentor/dashboard/", views.dashboard, name="dashboard"),
    path("mentor/dashboard/settings/", views.save_settings, name="save-settings"),
    path("mentor/dashboard/hours/", views.save_hours, name="save-hours"),
    path("mentor/dashboard/services/", views.add_service, name="add-service"),
    path("mentor/dashboard/services/<int:pk>/remove/", views.remove_service, name="remove-service"),
    path("mentor/dashboard/overrides/", views.add_override, name="add-override"),
    path("mentor/dashboard/overrides/<int:pk>/remove/", views.remove_override, name="remove-override"),
    path("mentor/dashboard/slots/", views.add_slot, name="add-slot"),
    path("mentor/dashboard/slots/<int:pk>/remove/", views.remove_slot, name="remove-slot"),
]
