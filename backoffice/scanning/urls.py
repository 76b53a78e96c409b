from django.urls import path

from . import views

urlpatterns = [
    path("", views.counter_home, name="counter-home"),
    path("tiep-nhan-moi/", views.counter_register, name="counter-register"),
    path("ho-so/<str:code>/", views.counter_dossier, name="counter-dossier"),
    path(
        "ho-so/<str:code>/to-bia-phan-cach.pdf",
        views.counter_sheets,
        name="counter-sheets",
    ),
    path("ho-so/<str:code>/quet/", views.scan_upload, name="counter-scan-upload"),
    path(
        "ho-so/<str:code>/tao-lai-giay-tiep-nhan/",
        views.receipt_retry,
        name="counter-receipt-retry",
    ),
    path("ho-so/<str:code>/nhan-ban-giay.pdf", views.paper_label, name="paper-label"),
    path(
        "ho-so/<str:code>/ban-giay/<int:component_id>/",
        views.paper_locate,
        name="paper-locate",
    ),
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
