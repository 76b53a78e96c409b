"""The trust store (chứng thư tin cậy)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.signatures.constants import CertificateKind
from backoffice.signatures.pki import CertificateFacts, certificate_facts

# Filled from the PEM, never typed by hand.
DERIVED_FIELDS = frozenset(
    {"subject", "issuer", "serial", "fingerprint_sha256", "not_before", "not_after"}
)


class TrustedCertificateQuerySet(models.QuerySet):
    def active(self) -> "TrustedCertificateQuerySet":
        return self.filter(is_active=True)


class TrustedCertificate(models.Model):
    """Chứng thư tin cậy: a trust-store entry, managed as data by administrators.

    Roots are trust anchors; intermediates only help build chains that a signature
    does not carry in full. The descriptive fields are filled from the PEM by
    `clean()` and never typed by hand.
    """

    audit_in_admin = True

    name = models.CharField(
        _("tên"),
        max_length=255,
        blank=True,
        help_text=_("Để trống để lấy tên chung (CN) của chứng thư."),
    )
    kind = models.CharField(
        _("loại"),
        max_length=20,
        choices=CertificateKind.choices,
        default=CertificateKind.ROOT,
    )
    pem = models.TextField(
        _("chứng thư (PEM)"),
        help_text=_("Dán nội dung tệp .pem/.crt, từ -----BEGIN CERTIFICATE-----."),
    )
    subject = models.CharField(_("chủ thể"), max_length=1000, editable=False)
    issuer = models.CharField(_("tổ chức cấp"), max_length=1000, editable=False)
    serial = models.CharField(_("số hiệu"), max_length=64, editable=False)
    fingerprint_sha256 = models.CharField(
        _("dấu vân tay SHA-256"), max_length=64, unique=True, editable=False
    )
    not_before = models.DateTimeField(_("hiệu lực từ"), editable=False)
    not_after = models.DateTimeField(_("hiệu lực đến"), editable=False)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    objects = TrustedCertificateQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("chứng thư tin cậy")
        verbose_name_plural = _("chứng thư tin cậy")

    def __str__(self) -> str:
        return self.name or self.subject

    def _apply(self, facts: CertificateFacts) -> None:
        self.pem = facts.pem
        self.subject, self.issuer = facts.subject, facts.issuer
        self.serial = facts.serial
        self.fingerprint_sha256 = facts.fingerprint_sha256
        self.not_before, self.not_after = facts.not_before, facts.not_after
        self.name = self.name.strip() or facts.common_name or facts.subject[:255]

    def clean_fields(self, exclude: set[str] | None = None) -> None:
        # Derive before the per-field checks so a fresh row passes full_clean();
        # garbage PEM is reported once, by clean().
        exclude = set(exclude or ())
        try:
            self._apply(certificate_facts(self.pem.strip()))
        except ValueError:
            exclude |= DERIVED_FIELDS
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        try:
            facts = certificate_facts(self.pem.strip())
        except ValueError as exc:
            raise ValidationError(
                {
                    "pem": _(
                        "Không đọc được chứng thư số: cần đúng một chứng thư X.509 "
                        "dạng PEM (bắt đầu bằng -----BEGIN CERTIFICATE-----)."
                    )
                }
            ) from exc
        if self.kind == CertificateKind.ROOT and not facts.self_issued:
            raise ValidationError(
                {
                    "kind": _(
                        "Chứng thư này do “%(issuer)s” cấp, không phải chứng thư gốc "
                        "tự ký; hãy chọn loại “chứng thư trung gian”."
                    )
                    % {"issuer": facts.issuer}
                }
            )
        duplicate = TrustedCertificate.objects.filter(
            fingerprint_sha256=facts.fingerprint_sha256
        ).exclude(pk=self.pk)
        if duplicate.exists():
            raise ValidationError(
                {"pem": _("Chứng thư này đã có trong danh sách chứng thư tin cậy.")}
            )
        self._apply(facts)
