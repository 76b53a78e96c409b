"""Scanning screens, under /tiep-nhan/ beside the counter intake screens."""

from django.urls import path

from . import views

urlpatterns = [
    path("ho-so/<str:code>/quet/", views.scan_upload, name="counter-scan-upload"),
    path("quet/", views.scan_upload, name="scan-upload"),
    path("lo-quet/<int:batch_id>/", views.batch_detail, name="scan-batch"),
    path(
        "lo-quet/<int:batch_id>/tien-do/",
        views.batch_progress,
        name="scan-batch-progress",
    ),
    path(
        "lo-quet/<int:batch_id>/chay-lai/", views.batch_rerun, name="scan-batch-rerun"
    ),
    path(
        "lo-quet/<int:batch_id>/goc/", views.batch_original, name="scan-batch-original"
    ),
    path("trang/<int:page_id>/anh/", views.page_thumbnail, name="scan-page-thumbnail"),
    path("xem-lai/", views.review_queue, name="scan-review"),
]
