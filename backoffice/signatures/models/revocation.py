"""Certificate revocation lists imported by administrators (CRL)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.signatures.pki import crl_facts, crl_signed_by

from .trust import TrustedCertificate

CRL_MAX_BYTES = 20 * 1024 * 1024


class RevocationList(models.Model):
    """Danh sách chứng thư bị thu hồi (CRL) of one CA, imported by an administrator
    so that revocation is checked without network access. One list per CA (issuer
    name + key): a newer list replaces the stored one, an older one is refused.
    """

    audit_in_admin = True

    issuer = models.CharField(_("tổ chức cấp"), max_length=1000, editable=False)
    issuer_hash = models.CharField(max_length=64, editable=False)
    authority_key_id = models.CharField(
        _("mã khóa của tổ chức cấp"), max_length=128, blank=True, editable=False
    )
    number = models.CharField(_("số CRL"), max_length=64, blank=True, editable=False)
    this_update = models.DateTimeField(_("ban hành lúc"), editable=False)
    next_update = models.DateTimeField(
        _("lần cập nhật kế tiếp"), null=True, blank=True, editable=False
    )
    revoked_count = models.PositiveIntegerField(
        _("số chứng thư bị thu hồi"), default=0, editable=False
    )
    der = models.BinaryField(_("tệp CRL"), editable=False)
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    imported_at = models.DateTimeField(_("nhập lúc"), auto_now=True)

    class Meta:
        ordering = ["issuer"]
        verbose_name = _("danh sách chứng thư bị thu hồi (CRL)")
        verbose_name_plural = _("danh sách chứng thư bị thu hồi (CRL)")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_hash", "authority_key_id"],
                name="signatures_one_crl_per_ca",
            )
        ]

    def __str__(self) -> str:
        return self.issuer

    def stage_crl(self, data: bytes) -> None:
        """Take a new CRL file (DER or PEM) and fill the fields from it; raises
        ValidationError when the bytes are not one full CRL. `clean()` then checks
        it against the stored lists and the trust store."""
        if len(data) > CRL_MAX_BYTES:
            raise ValidationError(
                _("Tệp CRL quá lớn (tối đa %(limit)s MB).")
                % {"limit": CRL_MAX_BYTES // (1024 * 1024)}
            )
        try:
            facts = crl_facts(data)
        except ValueError as exc:
            raise ValidationError(
                _(
                    "Không đọc được tệp: cần một danh sách chứng thư bị thu hồi (CRL) "
                    "dạng DER hoặc PEM."
                )
            ) from exc
        if facts.is_delta:
            raise ValidationError(
                _(
                    "Tệp là CRL bổ sung (delta CRL); hãy nhập CRL đầy đủ của tổ chức "
                    "cấp."
                )
            )
        if self.pk and not hasattr(self, "_stored"):
            self._stored = RevocationList.objects.filter(pk=self.pk).first()
        self.der, self.sha256 = facts.der, facts.sha256
        self.issuer, self.issuer_hash = facts.issuer, facts.issuer_hash
        self.authority_key_id, self.number = facts.authority_key_id, facts.number
        self.this_update, self.next_update = facts.this_update, facts.next_update
        self.revoked_count = facts.revoked_count

    def clean(self) -> None:
        # Errors are not tied to a field: the admin form uploads a file instead.
        stored: RevocationList | None = getattr(self, "_stored", None)
        if not self.der:
            raise ValidationError(_("Hãy chọn tệp CRL (.crl)."))
        if stored is not None and (stored.issuer_hash, stored.authority_key_id) != (
            self.issuer_hash,
            self.authority_key_id,
        ):
            raise ValidationError(
                _("Tệp này là CRL của “%(issuer)s”, không phải của “%(current)s”.")
                % {"issuer": self.issuer, "current": stored.issuer}
            )
        if stored is not None and self.this_update < stored.this_update:
            raise ValidationError(
                _("CRL này (ban hành %(new)s) cũ hơn CRL đang lưu (ban hành %(old)s).")
                % {"new": _moment(self.this_update), "old": _moment(stored.this_update)}
            )
        other = (
            RevocationList.objects.filter(
                issuer_hash=self.issuer_hash, authority_key_id=self.authority_key_id
            )
            .exclude(pk=self.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                _("Đã có CRL của “%(issuer)s”; hãy mở bản ghi đó để thay bằng tệp mới.")
                % {"issuer": self.issuer}
            )
        issuers = [
            pem
            for pem, subject in TrustedCertificate.objects.values_list("pem", "subject")
            if subject == self.issuer
        ]
        if issuers and not any(crl_signed_by(bytes(self.der), pem) for pem in issuers):
            raise ValidationError(
                _(
                    "Chữ ký của CRL không khớp với chứng thư “%(issuer)s” trong danh "
                    "sách chứng thư tin cậy."
                )
                % {"issuer": self.issuer}
            )


def _moment(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
