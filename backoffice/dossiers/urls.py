from django.urls import path

from . import views, views_processing

urlpatterns = [
    path("", views.dossier_list, name="staff-dossiers"),
    path("viec-cua-toi/", views_processing.staff_queue, name="staff-queue"),
    path("<str:code>/", views.dossier_detail, name="staff-dossier"),
    path("<str:code>/thao-tac/", views.dossier_action, name="staff-dossier-action"),
    path(
        "<str:code>/mau-06/",
        views.dossier_control_sheet,
        name="staff-dossier-control-sheet",
    ),
    path(
        "<str:code>/tep/<int:file_id>/", views.dossier_file, name="staff-dossier-file"
    ),
]
