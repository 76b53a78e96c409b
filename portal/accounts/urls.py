from django.urls import path

from backoffice.accounts import views as otp_views

from . import views

urlpatterns = [
    path("dang-ky/", views.register, name="citizen-register"),
    path("dang-nhap/", views.CitizenLoginView.as_view(), name="citizen-login"),
    path("dang-xuat/", views.CitizenLogoutView.as_view(), name="citizen-logout"),
    path(
        "xac-minh/<str:uidb64>/<str:token>/", views.verify_email, name="citizen-verify"
    ),
    path("gui-lai-xac-minh/", views.resend_verification, name="citizen-resend"),
    path("thong-tin/", views.profile, name="citizen-profile"),
    path("quen-mat-khau/", views.password_reset, name="citizen-password-reset"),
    path(
        "quen-mat-khau/da-gui/",
        views.password_reset_done,
        name="citizen-password-reset-done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="citizen-password-reset-confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        views.password_reset_complete,
        name="citizen-password-reset-complete",
    ),
    # Optional two-step verification for citizens: the same views staff use.
    path("xac-thuc/", otp_views.otp_verify_view, name="citizen-otp-verify"),
    path("xac-thuc/cai-dat/", otp_views.otp_setup_view, name="citizen-otp-setup"),
]
