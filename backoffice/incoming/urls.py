from django.urls import path

from . import views

urlpatterns = [
    path("", views.incoming_desk, name="incoming-desk"),
    path("tiep-nhan/", views.incoming_new, name="incoming-receive"),
    path("so/", views.incoming_register_view, name="incoming-register"),
    path("<int:pk>/", views.incoming_detail, name="incoming-detail"),
    path("<int:pk>/thao-tac/", views.incoming_action, name="incoming-action"),
    path("<int:pk>/tep/<int:file_id>/", views.incoming_file, name="incoming-file"),
]
