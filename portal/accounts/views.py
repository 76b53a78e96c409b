"""Citizen account pages. Presentation only: the work is in backoffice services."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backoffice.accounts.citizens import (
    citizen_profile_update,
    citizen_register,
    citizen_resend_verification,
    citizen_verify_email,
)
from backoffice.accounts.oidc import oidc_enabled
from backoffice.accounts.services import (
    account_email_throttled,
    user_has_confirmed_totp,
)

from .forms import (
    CitizenLoginForm,
    ProfileForm,
    QueuedPasswordResetForm,
    RegistrationForm,
    ResendVerificationForm,
)

FORM_TEMPLATE = "portal/accounts/form.html"


def citizen_required(view: Callable) -> Callable:
    """Signed in, e-mail verified, and second factor passed when the user has one."""

    @wraps(view)
    @login_required(login_url=reverse_lazy("citizen-login"))
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if user_has_confirmed_totp(user=user) and not user.is_verified():
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('citizen-otp-verify')}?{query}")
        # A national identity provider vouches for the person: no e-mail needed.
        verified = user.email_verified_at or user.citizen_id_verified_at
        if verified is None and not user.is_staff:
            return render(
                request, "portal/accounts/verify_pending.html", {"email": user.email}
            )
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """A new address and an address that already has an account get the same page
    (the owner of the latter is e-mailed instead); so does a throttled request,
    which sends nothing."""
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not account_email_throttled(request=request, email=data["email"]):
            try:
                citizen_register(
                    email=data["email"],
                    password=data["password1"],
                    full_name=data["full_name"],
                    citizen_id=data["citizen_id"],
                    phone=data["phone"],
                    address=data["address"],
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
        if form.is_valid():
            return render(
                request,
                "portal/accounts/verify_pending.html",
                {"email": data["email"], "registered": True},
            )
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "title": _("Đăng ký tài khoản"),
            "intro": _("Tài khoản dùng để nộp và theo dõi hồ sơ trực tuyến."),
            "submit": _("Đăng ký"),
        },
    )


def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = citizen_verify_email(uidb64=uidb64, token=token)
    return render(request, "portal/accounts/verified.html", {"ok": user is not None})


def _add_errors(form: Form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    form = ResendVerificationForm(request.POST)
    if form.is_valid() and not account_email_throttled(
        request=request, email=form.cleaned_data["email"]
    ):
        citizen_resend_verification(
            email=form.cleaned_data["email"],
            base_url=request.build_absolute_uri("/"),
        )
    # The same answer whether or not the address exists, and when throttled.
    messages.info(
        request, _("Nếu địa chỉ đã đăng ký và chưa xác minh, thư mới đã được gửi.")
    )
    return redirect("citizen-login")


class CitizenLoginView(auth_views.LoginView):
    template_name = FORM_TEMPLATE
    authentication_form = CitizenLoginForm
    extra_context = {
        "title": gettext_lazy("Đăng nhập"),
        "intro": gettext_lazy("Đăng nhập bằng thư điện tử đã đăng ký."),
        "submit": gettext_lazy("Đăng nhập"),
        "login_links": True,
    }

    def get_default_redirect_url(self) -> str:
        return reverse("my-dossiers")

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        if oidc_enabled():
            context["oidc_provider"] = settings.OIDC_PROVIDER_NAME
        return context


class CitizenLogoutView(auth_views.LogoutView):
    next_page = "/"


@citizen_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            citizen_profile_update(
                user=request.user,
                **{f: form.cleaned_data[f] for f in ProfileForm.Meta.fields},
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin cá nhân."))
            return redirect("citizen-profile")
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "title": _("Thông tin cá nhân"),
            "submit": _("Lưu"),
            "profile": True,
        },
    )


class CitizenPasswordResetView(auth_views.PasswordResetView):
    """A throttled request gets the usual "sent" page and no e-mail."""

    def form_valid(self, form: QueuedPasswordResetForm) -> HttpResponse:
        if account_email_throttled(
            request=self.request, email=form.cleaned_data["email"]
        ):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


password_reset = CitizenPasswordResetView.as_view(
    form_class=QueuedPasswordResetForm,
    template_name=FORM_TEMPLATE,
    email_template_name="portal/accounts/password_reset_email.txt",
    subject_template_name="portal/accounts/password_reset_subject.txt",
    success_url=reverse_lazy("citizen-password-reset-done"),
    extra_context={
        "title": gettext_lazy("Quên mật khẩu"),
        "intro": gettext_lazy(
            "Nhập thư điện tử đã đăng ký; chúng tôi sẽ gửi liên kết đặt lại mật khẩu."
        ),
        "submit": gettext_lazy("Gửi liên kết"),
    },
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="portal/accounts/message.html",
    extra_context={
        "title": gettext_lazy("Đã gửi thư"),
        "message": gettext_lazy(
            "Nếu địa chỉ đã đăng ký, bạn sẽ nhận được thư hướng dẫn trong vài phút."
        ),
    },
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name=FORM_TEMPLATE,
    success_url=reverse_lazy("citizen-password-reset-complete"),
    extra_context={
        "title": gettext_lazy("Đặt mật khẩu mới"),
        "submit": gettext_lazy("Lưu mật khẩu"),
    },
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="portal/accounts/message.html",
    extra_context={
        "title": gettext_lazy("Đã đổi mật khẩu"),
        "message": gettext_lazy("Bạn có thể đăng nhập bằng mật khẩu mới."),
    },
)
