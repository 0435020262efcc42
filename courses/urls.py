from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("courses/", views.course_list, name="list"),
    path("courses/my/", views.my_learning, name="my"),
    path("courses/<int:pk>/", views.course_detail, name="detail"),
    path("courses/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("courses/<int:pk>/lessons/<int:lesson_id>/", views.lesson, name="lesson"),
    path("courses/<int:pk>/lessons/<int:lesson_id>/complete/", views.lesson_complete, name="lesson-complete"),
    path("mentor/courses/", views.authored, name="authored"),
    path("mentor/courses/new/", views.course_new, name="new"),
    path("mentor/courses/<int:pk>/", views.course_edit, name="edit"),
    path("mentor/courses/<int:pk>/publish/", views.course_publish, name="publish"),
    path("mentor/courses/<int:pk>/lessons/new/", views.lesson_new, name="lesson-new"),
    path("mentor/courses/<int:pk>/lessons/<int:lesson_id>/", views.lesson_edit, name="lesson-edit"),
    path("mentor/courses/<int:pk>/lessons/<int:lesson_id>/delete/", views.lesson_delete, name="lesson-delete"),
    path("mentor/courses/<int:pk>/lessons/<int:lesson_id>/move/", views.lesson_move, name="lesson-move"),
    path("certificates/<str:certificate_id>/", views.certificate, name="certificate"),
]
