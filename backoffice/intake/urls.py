"""Counter intake screens, under /tiep-nhan/ beside the scanning screens (the URL
names are those the counter has always had)."""

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
]
