from django.urls import path

from . import actions, payments, views

urlpatterns = [
    path("ho-so-cua-toi/", views.my_dossiers, name="my-dossiers"),
    path(
        "ho-so-cua-toi/nhap/<int:pk>/xoa/",
        actions.draft_remove,
        name="my-draft-delete",
    ),
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
    path("ho-so-cua-toi/<str:code>/rut/", actions.withdraw, name="my-dossier-withdraw"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", actions.rate, name="my-dossier-rate"),
    path("ho-so-cua-toi/<str:code>/thanh-toan/", payments.pay, name="my-dossier-pay"),
    path(
        "thanh-toan/cong-thu-nghiem/<str:reference>/",
        payments.fake_gateway,
        name="payment-fake-gateway",
    ),
    path("thanh-toan/ket-qua/", payments.callback, name="payment-callback"),
    path("tra-cuu-ho-so/", views.lookup, name="dossier-lookup"),
    path(
        "tra-cuu-ho-so/van-ban/<int:file_id>/",
        views.lookup_form,
        name="dossier-lookup-form",
    ),
]
