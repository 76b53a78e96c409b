from django.urls import path

from . import views

urlpatterns = [
    path("", views.catalogue_view, name="records-catalogue"),
    path("de-xuat-huy/", views.disposal_view, name="records-disposal"),
    path("ho-so/<int:pk>/", views.efile_detail, name="records-efile"),
    path("ho-so/<int:pk>/thao-tac/", views.efile_action, name="records-efile-action"),
    path(
        "ho-so/<int:pk>/goi-luu-tru/<int:package_id>/",
        views.efile_archive,
        name="records-archive",
    ),
]
