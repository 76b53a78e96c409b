"""Writes of the records capability: the catalogue, opening, filing and closing
e-files. Every write is checked, atomic and audited; a closed file is frozen.

Who may write: clerks (KEEP_REGISTERS) and leaders (APPROVE) of the file's agency;
`actor=None` is the system itself (demo data, management commands).
"""

import datetime as dt
import hashlib
import io
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission
from backoffice.core.models import Agency
from backoffice.core.selectors import user_permissions
from backoffice.core.services import audit_record, snapshot

from .constants import FREE_DOCUMENT_MEDIA_TYPES, EFileStatus, ItemKind
from .contents import efile_contents
from .models import CatalogueEntry, EFile, EFileItem, FreeDocument, RetentionPeriod

RECORDS_PERMISSIONS = frozenset({Permission.KEEP_REGISTERS, Permission.APPROVE})


class RecordsRejected(ValidationError):
    """Bad input or a move that is not allowed; the message says why (Vietnamese)."""


def records_permission_check(*, actor: AbstractBaseUser | None, agency: Agency) -> None:
    """PermissionDenied unless the actor keeps registers or approves in the agency."""
    if actor is None:
        return
    if not RECORDS_PERMISSIONS & user_permissions(user=actor, agency=agency):
        raise PermissionDenied(
            _("Bạn không có quyền quản lý hồ sơ lưu trữ của %(agency)s.")
            % {"agency": agency.name}
        )


@transaction.atomic
def retention_period_ensure(
    *, actor: AbstractBaseUser | None, agency: Agency, name: str, years: int | None
) -> RetentionPeriod:
    """A line of the agency's retention schedule, made when missing."""
    period, created = RetentionPeriod.objects.get_or_create(
        agency=agency, name=name, defaults={"years": years}
    )
    if created:
        audit_record(
            actor=actor,
            action="retentionperiod.created",
            obj=period,
            after=snapshot(period),
            agency=agency,
        )
    return period


@transaction.atomic
def catalogue_entry_create(
    *,
    actor: AbstractBaseUser | None,
    agency: Agency,
    year: int,
    code: str,
    title: str,
    retention: RetentionPeriod,
    responsible_unit: str = "",
    responsible_person: AbstractBaseUser | None = None,
    notes: str = "",
) -> CatalogueEntry:
    """Add a line to the agency's catalogue of `year`; a duplicate code is refused."""
    records_permission_check(actor=actor, agency=agency)
    code = unicodedata.normalize("NFC", code or "").strip()
    title = unicodedata.normalize("NFC", title or "").strip()
    if not code or not title:
        raise RecordsRejected(_("Cần nhập số, ký hiệu và tiêu đề hồ sơ."))
    if retention.agency_id != agency.pk:
        raise RecordsRejected(
            _("Thời hạn bảo quản “%(name)s” không thuộc bảng thời hạn của cơ quan.")
            % {"name": retention.name}
        )
    if not 1945 <= year <= 2200:
        raise RecordsRejected(_("Năm %(year)s không hợp lệ.") % {"year": year})
    if CatalogueEntry.objects.filter(agency=agency, year=year, code=code).exists():
        raise RecordsRejected(
            _("Danh mục hồ sơ năm %(year)s đã có số, ký hiệu “%(code)s”.")
            % {"year": year, "code": code}
        )
    entry = CatalogueEntry(
        agency=agency,
        year=year,
        code=code,
        title=title,
        retention=retention,
        responsible_unit=responsible_unit.strip(),
        responsible_person=responsible_person,
        notes=notes,
    )
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action="catalogueentry.created",
        obj=entry,
        after=snapshot(entry),
        agency=agency,
    )
    return entry


@dataclass(frozen=True)
class CopyForwardResult:
    created: list[CatalogueEntry]
    skipped: int  # already in the new year's catalogue


@transaction.atomic
def catalogue_copy_forward(
    *, actor: AbstractBaseUser | None, agency: Agency, year: int
) -> CopyForwardResult:
    """Copy last year's catalogue into `year`: every code not there yet (idempotent).

    Side effects: one audit entry listing the codes copied, when any were.
    """
    records_permission_check(actor=actor, agency=agency)
    previous = list(
        CatalogueEntry.objects.filter(agency=agency, year=year - 1).order_by("code")
    )
    if not previous:
        raise RecordsRejected(
            _("Chưa có danh mục hồ sơ năm %(year)s để sao chép.") % {"year": year - 1}
        )
    # Locks the agency row: two copies at once cannot both insert a code.
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    existing = set(
        CatalogueEntry.objects.filter(agency=agency, year=year).values_list(
            "code", flat=True
        )
    )
    created = [
        CatalogueEntry.objects.create(
            agency=agency,
            year=year,
            code=entry.code,
            title=entry.title,
            responsible_unit=entry.responsible_unit,
            responsible_person=entry.responsible_person,
            retention=entry.retention,
            notes=entry.notes,
            copied_from=entry,
        )
        for entry in previous
        if entry.code not in existing
    ]
    if created:
        audit_record(
            actor=actor,
            action="catalogue.copied_forward",
            obj=agency,
            after={"year": year, "codes": [e.code for e in created]},
            agency=agency,
        )
    return CopyForwardResult(created=created, skipped=len(previous) - len(created))


@transaction.atomic
def efile_open(
    *,
    actor: AbstractBaseUser | None,
    entry: CatalogueEntry,
    title: str = "",
    opened_on: dt.date | None = None,
    responsible: AbstractBaseUser | None = None,
) -> EFile:
    """Open a file against a catalogue entry; its code is the entry's, numbered
    when the entry has more than one file."""
    records_permission_check(actor=actor, agency=entry.agency)
    responsible = responsible or actor or entry.responsible_person
    if responsible is None:
        raise RecordsRejected(_("Cần chọn người lập hồ sơ."))
    opened_on = opened_on or timezone.localdate()
    if opened_on.year != entry.year:
        raise RecordsRejected(
            _("Ngày mở hồ sơ phải thuộc năm %(year)s của danh mục.")
            % {"year": entry.year}
        )
    CatalogueEntry.objects.select_for_update().filter(pk=entry.pk).first()
    sequence = (entry.efiles.aggregate(m=Max("sequence"))["m"] or 0) + 1
    suffix = "" if sequence == 1 else f"-{sequence}"
    efile = EFile.objects.create(
        agency=entry.agency,
        entry=entry,
        sequence=sequence,
        code=f"{entry.code}{suffix}/{entry.year}",
        title=unicodedata.normalize("NFC", title or entry.title).strip(),
        opened_on=opened_on,
        responsible=responsible,
        opened_by=actor,
    )
    audit_record(
        actor=actor,
        action="efile.opened",
        obj=efile,
        after=snapshot(efile),
        agency=efile.agency,
    )
    return efile


def _locked_open(efile: EFile) -> EFile:
    """The file's row, locked; RecordsRejected when it is closed."""
    locked = EFile.objects.select_for_update().get(pk=efile.pk)
    if locked.is_closed:
        raise RecordsRejected(
            _("Hồ sơ %(code)s đã đóng: không thể thêm hay gỡ văn bản.")
            % {"code": locked.code}
        )
    return locked


def _target_check(kind: str, target: models.Model, efile: EFile) -> None:
    if target.agency_id != efile.agency_id:
        raise RecordsRejected(
            _("“%(target)s” không thuộc cơ quan của hồ sơ %(code)s.")
            % {"target": target, "code": efile.code}
        )
    if kind == ItemKind.INCOMING and target.incoming_number is None:
        raise RecordsRejected(
            _("Văn bản đến “%(target)s” chưa được vào sổ.") % {"target": target}
        )
    if kind == ItemKind.OUTGOING and target.number is None:
        raise RecordsRejected(
            _("Văn bản đi “%(target)s” chưa được phát hành.") % {"target": target}
        )
    existing = (
        EFileItem.objects.filter(**{kind: target}).select_related("efile").first()
    )
    if existing is not None:
        raise RecordsRejected(
            _(
                "“%(target)s” đã nằm trong hồ sơ %(code)s; "
                "mỗi văn bản chỉ thuộc một hồ sơ."
            )
            % {"target": target, "code": existing.efile.code}
        )


@transaction.atomic
def efile_file(
    *,
    actor: AbstractBaseUser | None,
    efile: EFile,
    kind: str,
    target: models.Model,
) -> EFileItem:
    """File an incoming or outgoing document or a dossier into an open file."""
    if kind not in (ItemKind.INCOMING, ItemKind.OUTGOING, ItemKind.DOSSIER):
        raise RecordsRejected(_("Loại văn bản không hợp lệ."))
    records_permission_check(actor=actor, agency=efile.agency)
    efile = _locked_open(efile)
    _target_check(kind, target, efile)
    try:
        with transaction.atomic():
            item = EFileItem.objects.create(
                efile=efile, kind=kind, filed_by=actor, **{kind: target}
            )
    except IntegrityError as exc:  # filed by someone else a moment ago
        raise RecordsRejected(
            _("“%(target)s” đã nằm trong một hồ sơ khác.") % {"target": target}
        ) from exc
    audit_record(
        actor=actor,
        action="efile.filed",
        obj=efile,
        after={"kind": kind, "id": target.pk, "what": str(target)[:200]},
        agency=efile.agency,
    )
    return item


def _free_checks(name: str, content: bytes) -> tuple[str, str, int | None]:
    """(clean name, media type, PDF page count) of an acceptable upload."""
    clean = unicodedata.normalize("NFC", PurePath(name.replace("\\", "/")).name)
    clean = "".join(c for c in clean if c.isprintable()).strip()[:200]
    if not clean:
        raise RecordsRejected(_("Tệp tải lên không có tên."))
    if not content:
        raise RecordsRejected(_("Tệp “%(name)s” rỗng.") % {"name": clean})
    limit = settings.RECORDS_FREE_DOCUMENT_MAX_BYTES
    if len(content) > limit:
        raise RecordsRejected(
            _("Tệp “%(name)s” lớn hơn %(limit)s MB.")
            % {"name": clean, "limit": limit // (1024 * 1024)}
        )
    extension = PurePath(clean).suffix.lower()
    media_type = FREE_DOCUMENT_MEDIA_TYPES.get(extension)
    if media_type is None:
        raise RecordsRejected(
            _("Không nhận tệp “%(name)s”: chỉ nhận %(types)s.")
            % {"name": clean, "types": ", ".join(sorted(FREE_DOCUMENT_MEDIA_TYPES))}
        )
    if extension != ".pdf":
        return clean, media_type, None
    if not content.startswith(b"%PDF-"):
        raise RecordsRejected(_("Tệp “%(name)s” không phải tệp PDF.") % {"name": clean})
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise RecordsRejected(
                _("Tệp “%(name)s” được mã hóa bằng mật khẩu.") % {"name": clean}
            )
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise RecordsRejected(
            _("Tệp “%(name)s” bị hỏng, không đọc được.") % {"name": clean}
        ) from exc
    return clean, media_type, pages


@transaction.atomic
def efile_upload(
    *,
    actor: AbstractBaseUser | None,
    efile: EFile,
    kind: str,
    title: str,
    name: str,
    content: bytes,
    document_date: dt.date | None = None,
    author: str = "",
) -> EFileItem:
    """Store a free document (minutes, speech…) as an original and file it."""
    from .constants import FreeDocumentKind

    records_permission_check(actor=actor, agency=efile.agency)
    efile = _locked_open(efile)
    if kind not in FreeDocumentKind.values:
        raise RecordsRejected(_("Loại tài liệu không hợp lệ."))
    title = unicodedata.normalize("NFC", title or "").strip()
    if not title:
        raise RecordsRejected(_("Cần nhập tên tài liệu."))
    clean, media_type, pages = _free_checks(name, content)
    sha256 = hashlib.sha256(content).hexdigest()
    document = FreeDocument(
        agency=efile.agency,
        kind=kind,
        title=title[:500],
        document_date=document_date,
        author=author.strip()[:200],
        original_name=clean,
        media_type=media_type,
        size=len(content),
        sha256=sha256,
        pages=pages,
        uploaded_by=actor,
    )
    document.file.save(clean, ContentFile(content), save=False)
    stored = document.file.name
    try:
        document.save()
        item = EFileItem.objects.create(
            efile=efile, kind=ItemKind.FREE, free=document, filed_by=actor
        )
        audit_record(
            actor=actor,
            action="efile.uploaded",
            obj=efile,
            after={"title": title, "name": clean, "sha256": sha256},
            agency=efile.agency,
        )
    except Exception:
        document.file.storage.delete(stored)
        raise
    return item


@transaction.atomic
def efile_unfile(*, actor: AbstractBaseUser | None, item: EFileItem) -> None:
    """Take a document or dossier out of an open file (it may be filed elsewhere).
    A free document belongs to its file: it is never taken out or deleted."""
    records_permission_check(actor=actor, agency=item.efile.agency)
    efile = _locked_open(item.efile)
    if item.kind == ItemKind.FREE:
        raise RecordsRejected(
            _("Tài liệu tải lên là bản gốc của hồ sơ: không gỡ ra được.")
        )
    target = item.target
    EFileItem.objects.filter(pk=item.pk).delete()
    audit_record(
        actor=actor,
        action="efile.unfiled",
        obj=efile,
        before={"kind": item.kind, "id": target.pk, "what": str(target)[:200]},
        agency=efile.agency,
    )


@transaction.atomic
def efile_close(
    *, actor: AbstractBaseUser | None, efile: EFile, closed_on: dt.date | None = None
) -> EFile:
    """Close (freeze) a file: its end date, document and page counts are recorded."""
    records_permission_check(actor=actor, agency=efile.agency)
    locked = EFile.objects.select_for_update().get(pk=efile.pk)
    if locked.is_closed:
        raise RecordsRejected(
            _("Hồ sơ %(code)s đã đóng ngày %(date)s.")
            % {"code": locked.code, "date": f"{locked.closed_on:%d/%m/%Y}"}
        )
    closed_on = closed_on or timezone.localdate()
    if closed_on < locked.opened_on:
        raise RecordsRejected(_("Ngày kết thúc không được trước ngày mở hồ sơ."))
    documents = list(efile_contents(efile=locked))
    if not documents:
        raise RecordsRejected(
            _("Hồ sơ %(code)s chưa có văn bản nào: không thể đóng.")
            % {"code": locked.code}
        )
    before = snapshot(locked)
    locked.status = EFileStatus.CLOSED
    locked.closed_on = closed_on
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    locked.document_count = len(documents)
    locked.page_count = sum(d.pages for d in documents)
    locked.save()
    audit_record(
        actor=actor,
        action="efile.closed",
        obj=locked,
        before=before,
        after=snapshot(locked),
        agency=locked.agency,
    )
    return locked
