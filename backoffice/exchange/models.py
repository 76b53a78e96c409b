from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cryptography import x509

from backoffice.core.validators import validate_agency_code


def validate_certificate_pem(value: str) -> None:
    try:
        x509.load_pem_x509_certificate(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise ValidationError(
            _("Không đọc được chứng thư số (cần định dạng PEM).")
        ) from exc


class Peer(models.Model):
    """Another installation this one exchanges documents with: where its exchange
    endpoint is and the certificate its packets must be signed with."""

    audit_in_admin = True

    name = models.CharField(_("tên hệ thống"), max_length=200)
    base_url = models.URLField(_("địa chỉ hệ thống"), max_length=300)
    certificate_pem = models.TextField(
        _("chứng thư ký gói tin (PEM)"), validators=[validate_certificate_pem]
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("hệ thống liên thông")
        verbose_name_plural = _("hệ thống liên thông")

    def __str__(self) -> str:
        return self.name

    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate_pem.encode("ascii"))


class PeerAgency(models.Model):
    """An agency (by its identifier code) reached through a peer."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="agencies")
    code = models.CharField(
        _("mã định danh"), max_length=35, unique=True, validators=[validate_agency_code]
    )
    name = models.CharField(_("tên cơ quan"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("cơ quan của hệ thống liên thông")
        verbose_name_plural = _("cơ quan của hệ thống liên thông")

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()
