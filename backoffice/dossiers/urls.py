from django.urls import path

from . import views

urlpatterns = [
    path("", views.dossier_list, name="staff-dossiers"),
    path("<str:code>/", views.dossier_detail, name="staff-dossier"),
    path("<str:code>/thao-tac/", views.dossier_action, name="staff-dossier-action"),
    path(
        "<str:code>/tep/<int:file_id>/", views.dossier_file, name="staff-dossier-file"
    ),
]
