"""Online submission drafts: save, resume, and submit (which creates the dossier)."""

from collections.abc import Iterable, Mapping, Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from backoffice.core.services import audit_record
from backoffice.procedures.models import Procedure
from backoffice.procedures.selectors import procedure_get

from .constants import Channel
from .models import Dossier, DraftFile, SubmissionDraft
from .services import Applicant, dossier_submit
from .uploads import CheckedUpload

DRAFT_FIELDS = (
    "agency",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "applicant_type",
    "applicant_organisation",
    "applicant_tax_code",
    "on_behalf",
    "representative_name",
    "representative_id_number",
    "representative_phone",
    "result_delivery",
    "declaration",
)


def draft_for(*, owner: AbstractBaseUser, procedure: Procedure) -> SubmissionDraft:
    """The owner's draft for a procedure, prefilled from their profile when new."""
    draft, created = SubmissionDraft.objects.get_or_create(
        owner=owner, procedure=procedure
    )
    # The caller's procedure (with its prefetched components), not a fresh read.
    draft.procedure = procedure
    if created:
        draft.data = {
            "applicant_name": owner.get_full_name(),
            "applicant_id_number": getattr(owner, "citizen_id", ""),
            "applicant_phone": getattr(owner, "phone", ""),
            "applicant_email": owner.email,
            "applicant_address": getattr(owner, "address", ""),
        }
        draft.save(update_fields=["data"])
    return draft


@transaction.atomic
def draft_save(
    *,
    draft: SubmissionDraft,
    data: Mapping[str, object],
    uploads: Mapping[int, Sequence[CheckedUpload]],
    remove_file_ids: Sequence[int] = (),
) -> SubmissionDraft:
    """Store the form data and add already-checked files to the draft."""
    draft.data = {key: data.get(key, "") for key in DRAFT_FIELDS}
    draft.save(update_fields=["data", "updated_at"])
    for record in draft.files.filter(pk__in=remove_file_ids):
        record.file.delete(save=False)
        record.delete()
    components = {c.pk for c in draft.procedure.components.all()}
    for component_id, checked in uploads.items():
        if component_id not in components:
            continue
        for upload in checked:
            record = DraftFile(
                draft=draft,
                component_id=component_id,
                name=upload.name,
                media_type=upload.media_type,
                extension=upload.extension,
                size=upload.size,
                sha256=upload.sha256,
                pages=upload.pages,
            )
            record.file.save(upload.name, ContentFile(upload.content), save=False)
            record.save()
    return draft


def _uploads_of(records: Iterable[DraftFile]) -> dict[int, list[CheckedUpload]]:
    files: dict[int, list[CheckedUpload]] = {}
    for record in records:
        with record.file.open("rb") as handle:
            content = handle.read()
        files.setdefault(record.component_id, []).append(
            CheckedUpload(
                name=record.name,
                media_type=record.media_type,
                extension=record.extension,
                size=record.size,
                sha256=record.sha256,
                pages=record.pages,
                content=content,
            )
        )
    return files


def draft_submitted_dossier(*, owner: AbstractBaseUser, key: str) -> Dossier | None:
    """The dossier already made from the owner's draft `key`, if any."""
    try:
        return Dossier.objects.filter(owner=owner, source_draft_key=key).first()
    except ValidationError:  # not a UUID
        return None


@transaction.atomic
def draft_submit(*, draft: SubmissionDraft) -> Dossier:
    """Submit the draft as an online dossier and delete the draft, exactly once.

    One transaction holds the dossier, its files, its follow-up work (outbox) and the
    draft's deletion; a repeated or concurrent submit of the same draft returns the
    dossier the first one made. The draft's files leave storage after commit.
    """
    locked = _draft_locked(pk=draft.pk)
    if locked is None:
        # Deleted by the submission that made its dossier (same transaction), or
        # by a discard: a concurrent or repeated submit ends here.
        done = Dossier.objects.filter(source_draft_key=draft.key).first()
        if done is not None:
            return done
        raise ValidationError({"draft": _("Hồ sơ nháp không còn nữa.")})
    return _submit_locked(locked)


@transaction.atomic
def draft_submit_by_procedure(
    *, owner: AbstractBaseUser, procedure_code: str
) -> Dossier | None:
    """Submit the owner's draft for an active procedure; None when there is none.

    Same guarantees as `draft_submit`, with the draft locked by its first read (the
    submit page needs nothing else).
    """
    locked = _draft_locked(
        owner=owner, procedure__code=procedure_code, procedure__is_active=True
    )
    return None if locked is None else _submit_locked(locked)


def _draft_locked(**lookup: object) -> SubmissionDraft | None:
    return (
        SubmissionDraft.objects.select_for_update(of=("self",))
        .select_related("procedure", "owner")
        .filter(**lookup)
        .first()
    )


def _submit_locked(draft: SubmissionDraft) -> Dossier:
    # While its draft exists no dossier has been made from it (the submission
    # deletes the draft in its own transaction), so there is nothing to look up.
    procedure = procedure_get(code=draft.procedure.code) or draft.procedure
    data = draft.data
    records = list(draft.files.all())
    uploads = _uploads_of(records)
    on_behalf = bool(data.get("on_behalf"))
    agency = next(
        (a for a in procedure.agencies.all() if a.code == data.get("agency")), None
    )
    if agency is None:
        raise ValidationError({"agency": _("Hãy chọn cơ quan tiếp nhận hồ sơ.")})
    dossier = dossier_submit(
        procedure=procedure,
        agency=agency,
        channel=Channel.ONLINE,
        applicant=Applicant(
            name=str(data.get("applicant_name", "")),
            id_number=str(data.get("applicant_id_number", "")),
            phone=str(data.get("applicant_phone", "")),
            email=str(data.get("applicant_email", "")),
            address=str(data.get("applicant_address", "")),
            type=str(data.get("applicant_type") or "citizen"),
            organisation=str(data.get("applicant_organisation", "")),
            tax_code=str(data.get("applicant_tax_code", "")),
            representative_name=str(data.get("representative_name", ""))
            if on_behalf
            else "",
            representative_id_number=(
                str(data.get("representative_id_number", "")) if on_behalf else ""
            ),
            representative_phone=(
                str(data.get("representative_phone", "")) if on_behalf else ""
            ),
        ),
        files=uploads,
        owner=draft.owner,
        result_delivery=str(data.get("result_delivery") or "desk"),
        source_draft_key=draft.key,
    )
    draft_discard(draft=draft, records=records)
    return dossier


def draft_discard(
    *, draft: SubmissionDraft, records: list[DraftFile] | None = None
) -> None:
    """Delete the draft; its files leave storage once the deletion commits."""
    for record in draft.files.all() if records is None else records:
        transaction.on_commit(
            lambda f=record.file: f.storage.delete(f.name), robust=True
        )
    draft.delete()


def drafts_of_owner(*, owner: AbstractBaseUser) -> QuerySet[SubmissionDraft]:
    """The owner's drafts, last saved first, with their procedure and file count."""
    if not owner.is_authenticated:
        return SubmissionDraft.objects.none()
    return (
        SubmissionDraft.objects.filter(owner=owner)
        .select_related("procedure")
        .annotate(file_count=Count("files"))
        .order_by("-updated_at", "-id")
    )


def draft_of_owner(*, owner: AbstractBaseUser, pk: int) -> SubmissionDraft | None:
    return drafts_of_owner(owner=owner).filter(pk=pk).first()


@transaction.atomic
def draft_delete(*, draft: SubmissionDraft, actor: AbstractBaseUser) -> None:
    """The owner deletes their draft and its uploaded files. Audited.

    Refused for anyone but the draft's owner. The files leave storage once the
    deletion commits (`draft_discard`).
    """
    if not actor.is_authenticated or draft.owner_id != actor.pk:
        raise PermissionDenied(_("Chỉ người lập hồ sơ nháp mới xóa được."))
    locked = _draft_locked(pk=draft.pk)
    if locked is None:
        raise ValidationError({"draft": _("Hồ sơ nháp không còn nữa.")})
    records = list(locked.files.all())
    audit_record(
        actor=actor,
        action="draft.deleted",
        obj=locked,
        before={
            "procedure": locked.procedure.code,
            "files": [record.name for record in records],
        },
    )
    draft_discard(draft=locked, records=records)
