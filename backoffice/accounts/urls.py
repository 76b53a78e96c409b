from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("otp/verify/", views.otp_verify_view, name="otp-verify"),
    path("otp/setup/", views.otp_setup_view, name="otp-setup"),
]
