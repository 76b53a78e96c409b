from django.urls import path

from . import views

urlpatterns = [
    path("ho-so-cua-toi/", views.my_dossiers, name="my-dossiers"),
    path("ho-so-cua-toi/<str:code>/", views.my_dossier, name="my-dossier"),
    path(
        "ho-so-cua-toi/<str:code>/tep/<int:file_id>/",
        views.my_dossier_file,
        name="my-dossier-file",
    ),
    path(
        "ho-so-cua-toi/<str:code>/bo-sung/",
        views.my_dossier_supplement,
        name="my-dossier-supplement",
    ),
    path("tra-cuu-ho-so/", views.lookup, name="dossier-lookup"),
]
