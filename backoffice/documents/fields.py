"""The metadata fields every kind of official document carries (Decree 30/2020
Art. 8/Annex I): one definition for the library, incoming and outgoing documents.

Factories, not an abstract model: each model keeps its own field order, and the
columns stay exactly what their migrations made (the apps differ only in a
`max_length` or `blank` they were created with).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import Confidentiality, DocumentType, Urgency


def document_type_field(*, blank: bool = False) -> models.CharField:
    """Loại văn bản (one of the Annex I types)."""
    return models.CharField(
        _("loại văn bản"), max_length=30, choices=DocumentType.choices, blank=blank
    )


def urgency_field(*, max_length: int) -> models.CharField:
    """Độ khẩn."""
    return models.CharField(
        _("độ khẩn"),
        max_length=max_length,
        choices=Urgency.choices,
        default=Urgency.NORMAL,
    )


def confidentiality_field(*, max_length: int) -> models.CharField:
    """Độ mật."""
    return models.CharField(
        _("độ mật"),
        max_length=max_length,
        choices=Confidentiality.choices,
        default=Confidentiality.NORMAL,
    )


def signer_name_field() -> models.CharField:
    """Người ký."""
    return models.CharField(_("người ký"), max_length=200, blank=True)


def signer_position_field() -> models.CharField:
    """Chức vụ người ký."""
    return models.CharField(_("chức vụ người ký"), max_length=200, blank=True)


def notes_field() -> models.TextField:
    """Ghi chú."""
    return models.TextField(_("ghi chú"), blank=True)
