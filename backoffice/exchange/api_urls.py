from django.urls import path

from . import api

urlpatterns = [
    path("packets/", api.packets, name="exchange-packets"),
    path("status/", api.status, name="exchange-status"),
    path("traces/", api.traces, name="exchange-traces"),
    path("organizations/", api.organizations, name="exchange-organizations"),
]
