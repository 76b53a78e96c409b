from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.tokens import (
    PasswordResetTokenGenerator,
    default_token_generator,
)
from django.contrib.sites.shortcuts import get_current_site
from django.template import loader
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from backoffice.accounts.models import User
from backoffice.accounts.services import account_email_queue
from backoffice.core.text import TypedCharField, TypedEmailField, typed_text_formfield
from backoffice.core.validators import validate_citizen_id


class RegistrationForm(forms.Form):
    """Whether the address already has an account is not checked here: the
    registration service answers both cases alike (no enumeration)."""

    full_name = TypedCharField(label=_("Họ và tên"), max_length=200)
    citizen_id = TypedCharField(
        label=_("Số định danh cá nhân (CCCD)"),
        max_length=12,
        validators=[validate_citizen_id],
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    email = TypedEmailField(label=_("Thư điện tử"))
    phone = TypedCharField(label=_("Số điện thoại"), max_length=20, required=False)
    address = TypedCharField(label=_("Địa chỉ"), max_length=300, required=False)
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].lower()

    def clean(self) -> dict:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        elif p1:
            candidate = User(
                username=data.get("email", ""),
                email=data.get("email", ""),
                full_name=data.get("full_name", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class CitizenLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Thư điện tử"), widget=forms.EmailInput(attrs={"autofocus": True})
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].lower()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "citizen_id", "phone", "address"]
        formfield_callback = typed_text_formfield


class ResendVerificationForm(forms.Form):
    email = TypedEmailField(label=_("Thư điện tử"))


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the e-mail sent by the Celery worker.

    An address with no account gets the same work — a token for a stand-in, the
    same e-mail rendered, one job queued that delivers nothing — so the answer
    takes as long whether or not the address is registered.
    """

    email = TypedEmailField(
        label=_("Thư điện tử"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(
        self,
        domain_override: str | None = None,
        subject_template_name: str = "registration/password_reset_subject.txt",
        email_template_name: str = "registration/password_reset_email.html",
        use_https: bool = False,
        token_generator: PasswordResetTokenGenerator | None = None,
        from_email: str | None = None,
        request: Any = None,
        html_email_template_name: str | None = None,
        extra_email_context: dict[str, Any] | None = None,
    ) -> None:
        token_generator = token_generator or default_token_generator
        self.sent = 0
        super().save(
            domain_override=domain_override,
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
            use_https=use_https,
            token_generator=token_generator,
            from_email=from_email,
            request=request,
            html_email_template_name=html_email_template_name,
            extra_email_context=extra_email_context,
        )
        if self.sent:
            return
        email = self.cleaned_data["email"]
        site = get_current_site(request)
        stand_in = User(pk=0, username=email, email=email)
        context = {
            "email": email,
            "domain": domain_override or site.domain,
            "site_name": domain_override or site.name,
            "uid": urlsafe_base64_encode(force_bytes(stand_in.pk)),
            "user": stand_in,
            "token": token_generator.make_token(stand_in),
            "protocol": "https" if use_https else "http",
            **(extra_email_context or {}),
        }
        self.send_mail(
            subject_template_name, email_template_name, context, from_email, None
        )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str | None,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(
            loader.render_to_string(subject_template_name, context).splitlines()
        )
        body = loader.render_to_string(email_template_name, context)
        account_email_queue(to=to_email, subject=subject, body=body)
        if to_email:
            self.sent += 1
