from django.urls import re_path

from courses.api import views

COURSE = r"^courses/(?P<pk>[0-9]+)"
urlpatterns = [
    re_path(r"^courses/?$", views.CourseListView.as_view(), name="course-list"),
    re_path(r"^courses/my/?$", views.MyCoursesView.as_view(), name="course-my"),
    re_path(r"^courses/authored/?$", views.AuthoredCoursesView.as_view(), name="course-authored"),
    re_path(rf"{COURSE}/?$", views.CourseDetailView.as_view(), name="course-detail"),
    re_path(rf"{COURSE}/enroll/?$", views.EnrollView.as_view(), name="course-enroll"),
    re_path(rf"{COURSE}/progress/?$", views.ProgressView.as_view(), name="course-progress"),
    re_path(rf"{COURSE}/refund/?$", views.RefundView.as_view(), name="course-refund"),
    re_path(rf"{COURSE}/reviews/?$", views.ReviewsView.as_view(), name="course-reviews"),
    re_path(rf"{COURSE}/publish/?$", views.PublishView.as_view(publish=True), name="course-publish"),
    re_path(rf"{COURSE}/unpublish/?$", views.PublishView.as_view(publish=False), name="course-unpublish"),
    re_path(rf"{COURSE}/lessons/?$", views.LessonCreateView.as_view(), name="course-lessons"),
    re_path(rf"{COURSE}/lessons/order/?$", views.LessonOrderView.as_view(), name="course-lesson-order"),
    re_path(rf"{COURSE}/lessons/(?P<lesson_id>[0-9]+)/?$", views.LessonDetailView.as_view(), name="course-lesson"),
    re_path(r"^certificates/(?P<certificate_id>[A-Za-z0-9_-]{8,64})/?$", views.CertificateView.as_view(),
            name="course-certificate"),
]
