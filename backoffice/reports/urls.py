from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_page, name="report-page"),
    path("tai-ve.<str:fmt>", views.report_export, name="report-export"),
]
