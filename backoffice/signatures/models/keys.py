"""Signing keys: of agencies (chứng thư ký số của cơ quan, with the seal image) and
of staff (chữ ký số cá nhân of a leader, with the signature image).

A key is a PKCS#12 file in private storage or a key on a PKCS#11 device (USB
token / HSM); the password or PIN is never stored: the record names a
SIGNING_PASSWORD_* environment variable that holds it.
"""

import io
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.core.models import Agency
from backoffice.signatures.constants import SigningKeyKind
from backoffice.signatures.pki import Pkcs12Problem, pkcs12_check
from backoffice.signatures.storage import SigningKeyStorage

PKCS12_MAX_BYTES = 1024 * 1024
IMAGE_MAX_BYTES = 512 * 1024
password_env_validator = RegexValidator(
    r"^SIGNING_PASSWORD_[A-Z0-9_]+$",
    _(
        "Tên biến môi trường phải bắt đầu bằng SIGNING_PASSWORD_ và chỉ gồm chữ "
        "in hoa, chữ số và dấu gạch dưới."
    ),
)


def signing_key_path(instance: "SigningKeySource", filename: str) -> str:
    """A fresh, unguessable name per upload, grouped by owner."""
    return f"{instance.key_folder()}/{uuid.uuid4().hex}.p12"


def signing_image_path(instance: "SigningKeySource", filename: str) -> str:
    return f"{instance.key_folder()}/images/{uuid.uuid4().hex}.png"


def validate_png(upload: Any) -> None:
    """A PNG image of reasonable size (a signature or a seal)."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationError(
            _("Ảnh quá lớn (tối đa %(limit)s KB).") % {"limit": IMAGE_MAX_BYTES // 1024}
        )
    upload.open("rb")
    data = upload.read()
    upload.seek(0)
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValidationError(_("Ảnh chữ ký, con dấu phải là tệp PNG."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ValidationError(_("Tệp PNG bị hỏng, không đọc được.")) from exc


def _pkcs12_message(problem: Pkcs12Problem, password_env: str) -> str:
    when = (
        timezone.localtime(problem.moment).strftime("%d/%m/%Y")
        if problem.moment
        else ""
    )
    if problem.code == "unreadable":
        if password_env:
            return _(
                "Không mở được tệp PKCS#12: mật khẩu trong biến %(name)s không đúng "
                "hoặc tệp bị hỏng."
            ) % {"name": password_env}
        return _(
            "Không mở được tệp PKCS#12: tệp bị hỏng hoặc cần mật khẩu (hãy ghi tên "
            "biến môi trường chứa mật khẩu)."
        )
    messages = {
        "no_key": _("Tệp PKCS#12 không chứa khóa bí mật."),
        "no_certificate": _("Tệp PKCS#12 không chứa chứng thư số."),
        "key_mismatch": _("Khóa bí mật trong tệp không khớp với chứng thư số."),
        "key_usage": _(
            "Chứng thư số này không được phép dùng để ký (thiếu mục đích "
            "digitalSignature/nonRepudiation)."
        ),
        "expired": _("Chứng thư số đã hết hạn ngày %(date)s.") % {"date": when},
        "not_yet_valid": _("Chứng thư số chưa có hiệu lực (từ ngày %(date)s).")
        % {"date": when},
    }
    return str(messages[problem.code])


class SigningKeySource(models.Model):
    """Where a signing key lives: a PKCS#12 file or a PKCS#11 device.

    Contract of subclasses: `key_folder()` names their storage folder and
    `owner_name()` the holder for messages. The descriptive fields are read from
    the certificate (file or token) by `clean()`.
    """

    kind = models.CharField(
        _("loại khóa"),
        max_length=10,
        choices=SigningKeyKind.choices,
        default=SigningKeyKind.PKCS12,
    )
    pkcs12_file = models.FileField(
        _("tệp PKCS#12"),
        storage=SigningKeyStorage(),
        upload_to=signing_key_path,
        max_length=255,
        blank=True,
        help_text=_(
            "Tệp .p12/.pfx chứa khóa bí mật và chứng thư ký số của cơ quan; được lưu "
            "trong thư mục riêng của máy chủ, không tải xuống được."
        ),
    )
    password_env = models.CharField(
        _("biến môi trường chứa mật khẩu"),
        max_length=100,
        blank=True,
        validators=[password_env_validator],
        help_text=_(
            "Tên biến môi trường trên máy chủ (ví dụ SIGNING_PASSWORD_PHUONG1) chứa "
            "mật khẩu của tệp PKCS#12 hoặc mã PIN của thiết bị PKCS#11; để trống nếu "
            "tệp không đặt mật khẩu. Mật khẩu không được lưu trong cơ sở dữ liệu."
        ),
    )
    pkcs11_module = models.CharField(
        _("thư viện PKCS#11"),
        max_length=255,
        blank=True,
        help_text=_(
            "Đường dẫn tệp thư viện của thiết bị ký số trên máy chủ, ví dụ "
            "/usr/lib/softhsm/libsofthsm2.so."
        ),
    )
    token_label = models.CharField(
        _("nhãn thiết bị (token)"), max_length=64, blank=True
    )
    key_label = models.CharField(_("nhãn khóa"), max_length=64, blank=True)
    cert_label = models.CharField(
        _("nhãn chứng thư"),
        max_length=64,
        blank=True,
        help_text=_("Để trống nếu chứng thư có cùng nhãn với khóa."),
    )
    subject = models.CharField(
        _("chủ thể"), max_length=1000, blank=True, editable=False
    )
    issuer = models.CharField(
        _("tổ chức cấp"), max_length=1000, blank=True, editable=False
    )
    serial = models.CharField(_("số hiệu"), max_length=64, blank=True, editable=False)
    fingerprint_sha256 = models.CharField(
        _("dấu vân tay SHA-256"), max_length=64, blank=True, editable=False
    )
    not_before = models.DateTimeField(
        _("hiệu lực từ"), null=True, blank=True, editable=False
    )
    not_after = models.DateTimeField(
        _("hiệu lực đến"), null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(_("đang sử dụng"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        previous = (
            type(self)
            .objects.filter(pk=self.pk)
            .values_list("pkcs12_file", flat=True)
            .first()
            if self.pk
            else None
        )
        super().save(*args, **kwargs)
        if previous and previous != self.pkcs12_file.name:
            # The replaced key leaves the disk once the new one is committed.
            storage = self.pkcs12_file.storage
            transaction.on_commit(lambda: storage.delete(previous))

    def key_folder(self) -> str:
        raise NotImplementedError

    def owner_name(self) -> str:
        raise NotImplementedError

    @property
    def has_new_file(self) -> bool:
        """An uploaded file not stored yet (it is written by `save()`)."""
        return bool(self.pkcs12_file) and not self.pkcs12_file._committed

    def pkcs12_password(self) -> str:
        """The password (or PIN) from the named environment variable ("" when none
        is named); KeyError when the server does not have that variable."""
        if not self.password_env:
            return ""
        return settings.SIGNING_KEY_PASSWORDS[self.password_env]

    def pkcs12_data(self) -> bytes:
        """The bytes of the new or stored file; OSError/ValueError if unreadable."""
        field_file = self.pkcs12_file
        field_file.open("rb")
        try:
            return field_file.read()
        finally:
            if self.has_new_file:
                field_file.seek(0)  # storage reads it again when saving
            else:
                field_file.close()

    def token_key(self) -> Any:
        """The TokenKey of a PKCS#11 record (KeyError: PIN variable missing)."""
        from backoffice.signatures.tokens import TokenKey

        return TokenKey(
            module=self.pkcs11_module,
            token_label=self.token_label,
            key_label=self.key_label,
            cert_label=self.cert_label,
            pin=self.pkcs12_password(),
        )

    def _missing_variable(self, what: str) -> ValidationError:
        return ValidationError(
            {
                "password_env": _(
                    "Máy chủ chưa có biến môi trường %(name)s; hãy đặt biến này "
                    "(chứa %(what)s) rồi khởi động lại dịch vụ."
                )
                % {"name": self.password_env, "what": what}
            }
        )

    def _clean_pkcs11(self) -> None:
        from backoffice.signatures.tokens import (
            TokenProblem,
            certificate_can_sign,
            token_certificate_facts,
        )

        missing = {
            name: _("Trường này bắt buộc với thiết bị PKCS#11.")
            for name in ("pkcs11_module", "token_label", "key_label", "password_env")
            if not getattr(self, name)
        }
        if missing:
            raise ValidationError(missing)
        try:
            key = self.token_key()
        except KeyError:
            raise self._missing_variable(_("mã PIN của thiết bị")) from None
        if not self.is_active:
            return
        try:
            facts = token_certificate_facts(key)
        except TokenProblem as problem:
            raise ValidationError({"key_label": str(problem)}) from problem
        problem_code = certificate_can_sign(facts, timezone.now())
        if problem_code is not None:
            moment = facts.not_after if problem_code == "expired" else facts.not_before
            raise ValidationError(
                {"key_label": _pkcs12_message(Pkcs12Problem(problem_code, moment), "")}
            )
        self._set_facts(facts)

    def _set_facts(self, facts: Any) -> None:
        self.subject, self.issuer = facts.subject, facts.issuer
        self.serial, self.fingerprint_sha256 = facts.serial, facts.fingerprint_sha256
        self.not_before, self.not_after = facts.not_before, facts.not_after

    def clean(self) -> None:
        if self.kind == SigningKeyKind.PKCS11:
            self._clean_pkcs11()
            return
        try:
            password = self.pkcs12_password()
        except KeyError:
            raise self._missing_variable(_("mật khẩu tệp PKCS#12")) from None
        if not self.pkcs12_file:
            raise ValidationError(
                {
                    "pkcs12_file": _(
                        "Hãy tải lên tệp PKCS#12 (.p12/.pfx) chứa khóa và chứng thư "
                        "ký số."
                    )
                }
            )
        if not self.has_new_file and not self.is_active:
            return  # a record being switched off need not hold a usable key
        if self.has_new_file and self.pkcs12_file.size > PKCS12_MAX_BYTES:
            raise ValidationError(
                {
                    "pkcs12_file": _("Tệp PKCS#12 quá lớn (tối đa %(limit)s KB).")
                    % {"limit": PKCS12_MAX_BYTES // 1024}
                }
            )
        try:
            data = self.pkcs12_data()
        except (OSError, ValueError) as exc:
            raise ValidationError(
                {
                    "pkcs12_file": _(
                        "Không đọc được tệp PKCS#12 đã lưu; hãy tải lên lại."
                    )
                }
            ) from exc
        try:
            facts = pkcs12_check(data=data, password=password, at=timezone.now())
        except Pkcs12Problem as problem:
            raise ValidationError(
                {"pkcs12_file": _pkcs12_message(problem, self.password_env)}
            ) from problem
        self._set_facts(facts)


class AgencySigningCertificateQuerySet(models.QuerySet):
    def active(self) -> "AgencySigningCertificateQuerySet":
        return self.filter(is_active=True)

    def for_agency(self, agency: Agency) -> "AgencySigningCertificate | None":
        """The active certificate of `agency`, else of its nearest ancestor that
        has one (walking `Agency.parent`); None when no agency up the tree has one."""
        node: Agency | None = agency
        seen: set[int] = set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            found = self.active().filter(agency_id=node.pk).first()
            if found is not None:
                return found
            node = node.parent
        return None


class AgencySigningCertificate(SigningKeySource):
    """Chứng thư ký số của cơ quan: the key an agency signs its forms and outgoing
    documents with, and the image of its seal (con dấu) shown on them."""

    audit_in_admin = True

    agency = models.OneToOneField(
        Agency,
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        related_name="signing_certificate",
    )
    seal_image = models.FileField(
        _("ảnh con dấu (PNG, màu đỏ, nền trong suốt)"),
        storage=SigningKeyStorage(),
        upload_to=signing_image_path,
        max_length=255,
        blank=True,
        validators=[validate_png],
    )

    objects = AgencySigningCertificateQuerySet.as_manager()

    class Meta:
        ordering = ["agency__code"]
        verbose_name = _("chứng thư ký số của cơ quan")
        verbose_name_plural = _("chứng thư ký số của cơ quan")

    def __str__(self) -> str:
        return f"{self.agency.name}: {self.subject or self.get_kind_display()}"

    def key_folder(self) -> str:
        return self.agency.code

    def owner_name(self) -> str:
        return self.agency.name


class StaffSigningKey(SigningKeySource):
    """Chữ ký số cá nhân: a leader's own key and signature image (blue PNG), used
    for the leader's signature on outgoing documents."""

    audit_in_admin = True

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.CASCADE,
        related_name="signing_key",
    )
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    signature_image = models.FileField(
        _("ảnh chữ ký (PNG, màu xanh, nền trong suốt)"),
        storage=SigningKeyStorage(),
        upload_to=signing_image_path,
        max_length=255,
        blank=True,
        validators=[validate_png],
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("chữ ký số cá nhân")
        verbose_name_plural = _("chữ ký số cá nhân")

    def __str__(self) -> str:
        return f"{self.owner_name()}: {self.subject or self.get_kind_display()}"

    def key_folder(self) -> str:
        return f"staff/{self.user_id}"

    def owner_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()
