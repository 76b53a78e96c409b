from django.urls import path

from . import views

urlpatterns = [
    path("<str:code>/yeu-cau/", views.fee_request, name="staff-fee-request"),
]
