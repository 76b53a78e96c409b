from django.urls import path

from . import views

urlpatterns = [
    path("", views.outgoing_desk, name="outgoing-desk"),
    path("soan-thao/", views.outgoing_new, name="outgoing-new"),
    path("so/", views.outgoing_register_view, name="outgoing-register"),
    path("<int:pk>/", views.outgoing_detail, name="outgoing-detail"),
    path("<int:pk>/sua/", views.outgoing_edit, name="outgoing-edit"),
    path("<int:pk>/thao-tac/", views.outgoing_action, name="outgoing-action"),
    path(
        "<int:pk>/trang-thai-phat-hanh/",
        views.outgoing_release_status,
        name="outgoing-release-status",
    ),
    path("<int:pk>/tep/<int:file_id>/", views.outgoing_file, name="outgoing-file"),
]
