from django.urls import path

from . import views

urlpatterns = [
    path("", views.exchange_home, name="exchange-home"),
    path(
        "thu-hoi/<int:pk>/quyet-dinh/",
        views.recall_decide_view,
        name="exchange-recall-decide",
    ),
    path(
        "van-ban-di/<int:pk>/thu-hoi/",
        views.recall_request_view,
        name="exchange-recall-request",
    ),
    path("goi-tin/<int:pk>/gui-lai/", views.packet_retry_view, name="exchange-retry"),
]
