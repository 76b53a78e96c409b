"""The Wagtail admin form of a library page: the document's metadata and PDF."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.widgets import AdminDateInput

from backoffice.documents.constants import DocumentType, LegalStatus
from backoffice.documents.models import OfficialDocument
from backoffice.documents.services import (
    DocumentInput,
    DocumentRejected,
    PdfUpload,
    document_files_check,
    document_input_check,
    document_save,
)


class OfficialDocumentPageForm(WagtailAdminPageForm):
    """Metadata and PDF of the document, edited with its page in the Wagtail admin.

    Saving the form (draft, submission for moderation or publication alike) saves
    the record through backoffice.documents.services.document_save: the number-
    symbol is checked against the type, the PDF's signature verdict and text are
    computed on upload, and an audit entry is written. The page itself is then
    published, or not, by Wagtail's revisions and moderation workflow.
    """

    number_symbol = forms.CharField(
        label=_("Số, ký hiệu"), max_length=100, help_text=_("Ví dụ 15/2016/QĐ-UBND")
    )
    document_type = forms.ChoiceField(
        label=_("Loại văn bản"), choices=DocumentType.choices
    )
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    signer_name = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    signer_position = forms.CharField(
        label=_("Chức vụ người ký"), max_length=200, required=False
    )
    issued_date = forms.DateField(label=_("Ngày ban hành"), widget=AdminDateInput)
    effective_date = forms.DateField(
        label=_("Ngày có hiệu lực"), required=False, widget=AdminDateInput
    )
    doc_field = forms.CharField(label=_("Lĩnh vực"), max_length=200, required=False)
    subject = forms.CharField(label=_("Trích yếu"), widget=forms.Textarea)
    legal_status = forms.ChoiceField(
        label=_("Tình trạng hiệu lực"), choices=LegalStatus.choices
    )
    replaced_by = forms.ModelChoiceField(
        label=_("Được thay thế bởi"),
        queryset=OfficialDocument.objects.all(),
        required=False,
    )
    pdf = forms.FileField(
        label=_("Tệp PDF"),
        required=False,
        help_text=_(
            "Bản PDF của văn bản (có thể đã ký số). Để trống khi sửa để giữ tệp cũ."
        ),
    )

    METADATA = {
        "number_symbol": "number_symbol",
        "document_type": "document_type",
        "issuer": "issuer",
        "signer_name": "signer_name",
        "signer_position": "signer_position",
        "issued_date": "issued_date",
        "effective_date": "effective_date",
        "doc_field": "field",
        "subject": "subject",
        "legal_status": "legal_status",
        "replaced_by": "replaced_by",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        document = (
            self.instance.official_document
            if self.instance.official_document_id
            else None
        )
        if document is not None:
            for name, attribute in self.METADATA.items():
                self.initial.setdefault(name, getattr(document, attribute))
            self.fields["replaced_by"].queryset = OfficialDocument.objects.exclude(
                pk=document.pk
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        values = {
            attribute: cleaned.get(name) for name, attribute in self.METADATA.items()
        }
        for name in ("signer_name", "signer_position", "field"):
            values[name] = values[name] or ""
        upload = cleaned.get("pdf")
        document = (
            self.instance.official_document
            if self.instance.official_document_id
            else None
        )
        if upload is not None:
            files = [PdfUpload(name=upload.name, content=upload.read())]
        elif document is not None:
            files = []
            for record in document.files.all():
                with record.file.open("rb") as handle:
                    files.append(PdfUpload(record.original_name, handle.read()))
        else:
            self.add_error("pdf", _("Hãy chọn tệp PDF của văn bản."))
            return cleaned
        try:
            self._document_input = document_input_check(DocumentInput(**values))
        except DocumentRejected as exc:
            self.add_error(None, str(exc))
            return cleaned
        try:
            if upload is not None:
                document_files_check(files)  # a broken PDF is refused here
        except DocumentRejected as exc:
            self.add_error("pdf", str(exc))
            return cleaned
        self._document_files = files
        return cleaned

    def save(self, commit: bool = True) -> Any:
        outcome = document_save(
            actor=self.for_user,
            data=self._document_input,
            files=self._document_files,
        )
        page = super().save(commit=False)
        page.official_document = outcome.document
        if commit:
            page.save()
        return page
