from django.urls import re_path

from mentors.api import views

urlpatterns = [
    re_path(r"^mentors/?$", views.MentorListView.as_view(), name="mentor-list"),
    re_path(r"^skills/?$", views.SkillSuggestionsView.as_view(), name="skill-suggestions"),
    re_path(r"^mentors/apply/?$", views.ApplyView.as_view(), name="mentor-apply"),
    re_path(r"^mentors/me/?$", views.MyProfileView.as_view(), name="mentor-me"),
    re_path(r"^mentors/me/services/?$", views.MyServicesView.as_view(), name="mentor-me-services"),
    re_path(r"^mentors/me/services/(?P<pk>[0-9]+)/?$", views.MyServiceDetailView.as_view(), name="mentor-me-service"),
    re_path(r"^mentors/me/availability/?$", views.MyWeeklyAvailabilityView.as_view(), name="mentor-me-availability"),
    re_path(r"^mentors/me/overrides/?$", views.MyOverridesView.as_view(), name="mentor-me-overrides"),
    re_path(r"^mentors/me/slots/?$", views.MySlotsView.as_view(), name="mentor-me-slots"),
    re_path(r"^mentors/me/slots/(?P<pk>[0-9]+)/?$", views.MySlotDetailView.as_view(), name="mentor-me-slot"),
    re_path(r"^mentors/(?P<pk>[0-9]+)/?$", views.MentorDetailView.as_view(), name="mentor-detail"),
    re_path(r"^mentors/(?P<pk>[0-9]+)/slots/?$", views.MentorSlotsView.as_view(), name="mentor-slots"),
    re_path(r"^mentors/(?P<pk>[0-9]+)/availability/?$", views.MentorAvailabilityView.as_view(),
            name="mentor-availability"),
]
