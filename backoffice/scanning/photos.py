"""Phone photos uploaded online: checked at upload, flattened after it.

- `photo_upload_check` (registered with dossiers.uploads at start-up) refuses a
  camera photo in which no page can be found, or that is all black, with a
  message telling the citizen to take it again; nothing is stored.
- `dossier_photo_flatten` (a task, after the upload is stored) makes a derived,
  flat, searchable one-page PDF of the photographed page and stores it beside
  the untouched original as another dossier file; `FlattenedPhoto` links them.
  The same photo uploaded twice to a dossier (same SHA-256) is flagged as a
  duplicate and not flattened again; another photo of a page already flattened
  (perceptual hash within a few bits) is flattened and flagged.
"""

import io
import logging
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

import cv2
import numpy as np
from PIL import Image

from backoffice.core.services import audit_record
from backoffice.dossiers.filetypes import (
    HEIC,
    JPG,
    MEDIA_TYPES,
    PNG,
    register_heif_opener,
)
from backoffice.dossiers.models import DossierFile
from backoffice.dossiers.services import dossier_file_store
from backoffice.dossiers.uploads import UploadRejected

from .models import FlattenedPhoto, PhotoOutcome
from .pipeline import ScanInputError, scan_run
from .pipeline.photo import (
    NoPageFound,
    find_page,
    flatten,
    hash_distance,
    is_camera_image,
    is_dark,
    looks_flat,
    open_photo,
    page_hash,
    upright_rgb,
)

logger = logging.getLogger(__name__)

PHOTO_MEDIA_TYPES = {MEDIA_TYPES[kind] for kind in (JPG, PNG, HEIC)}
PROBE_PIXELS = (1200, 1200)
# Two photos of one page differ in a few bits of the 64-bit page hash; two
# different text pages in about 20 or more (measured on generated pages).
SAME_PAGE_BITS = 8


def _probe(content: bytes) -> tuple[bool, np.ndarray]:
    """Whether the image is a camera photo, and a ~1200-pixel upright BGR copy."""
    register_heif_opener()
    with Image.open(io.BytesIO(content)) as image:
        camera = is_camera_image(image)
        image.draft("RGB", PROBE_PIXELS)  # JPEG decodes at 1/2–1/8 size directly
        rgb = upright_rgb(image)
        rgb.thumbnail(PROBE_PIXELS)
    return camera, np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])


def photo_upload_check(*, name: str, content: bytes) -> None:
    """Refuse a camera photo that shows no page (UploadRejected, Vietnamese);
    images that are not camera photos (scans, pictures) are left to the rest."""
    try:
        camera, bgr = _probe(content)
    except (OSError, ValueError, SyntaxError):
        return  # unreadable images are refused by the upload's own image check
    if not camera:
        return
    if is_dark(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)):
        raise UploadRejected(
            "photo_dark",
            _(
                "Ảnh “%(name)s” tối đen, không thấy nội dung. Hãy chụp lại giấy tờ "
                "ở nơi đủ ánh sáng."
            )
            % {"name": name},
        )
    if find_page(bgr) is None and not looks_flat(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)):
        raise UploadRejected(
            "photo_no_page",
            _(
                "Không tìm thấy trang giấy trong ảnh “%(name)s”. Hãy chụp lại: đặt "
                "giấy tờ trên nền sẫm màu, chụp thẳng từ trên xuống, thấy đủ bốn "
                "góc trang."
            )
            % {"name": name},
        )


def _flat_pdf(flat: np.ndarray, *, dpi: int, ocr: bool) -> tuple[bytes, str, float]:
    """The flattened page through the scan pipeline (upright, deskewed, colour or
    bitonal, text layer): its one-page PDF, text and OCR confidence."""
    workdir = Path(tempfile.mkdtemp(prefix="flat-photo-"))
    try:
        source = workdir / "trang.png"
        Image.fromarray(np.ascontiguousarray(flat[:, :, ::-1])).save(
            source, dpi=(dpi, dpi), compress_level=1
        )
        result = scan_run(sources=[source], workdir=workdir / "run", dpi=dpi, ocr=ocr)
        page = result.pages[0]
        if page.pdf_path is None:
            raise ScanInputError(_("Trang chụp không có nội dung đọc được."))
        return page.pdf_path.read_bytes(), page.ocr_text, page.ocr_confidence or 0.0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _a4_width(bgr: np.ndarray, dpi: int) -> np.ndarray:
    height, width = bgr.shape[:2]
    target = round((297 if width > height else 210) / 25.4 * dpi)
    scale = target / width
    interpolation = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    return cv2.resize(bgr, (target, round(height * scale)), interpolation=interpolation)


def _same_file(original: DossierFile) -> DossierFile | None:
    return (
        DossierFile.objects.filter(
            dossier_id=original.dossier_id, sha256=original.sha256, pk__lt=original.pk
        )
        .order_by("pk")
        .first()
    )


def _same_page(original: DossierFile, digest: int) -> DossierFile | None:
    others = FlattenedPhoto.objects.filter(
        original__dossier_id=original.dossier_id, outcome=PhotoOutcome.FLATTENED
    ).exclude(original=original)
    for other in others.select_related("original"):
        if hash_distance(int(other.page_hash, 16), digest) <= SAME_PAGE_BITS:
            return other.original
    return None


def dossier_photo_flatten(*, file_id: int) -> FlattenedPhoto | None:
    """Flatten one uploaded photo into a derived searchable PDF stored beside it.

    Idempotent (a file already handled returns its record). Files that are not
    photos of a page return None or a record saying why nothing was made; the
    original is never changed. Side effects: the derived dossier file, the link,
    an audit entry.
    """
    original = DossierFile.objects.select_related("dossier").get(pk=file_id)
    done = FlattenedPhoto.objects.filter(original=original).first()
    if done is not None or original.media_type not in PHOTO_MEDIA_TYPES:
        return done
    duplicate = _same_file(original)
    if duplicate is not None:
        return _record(original, PhotoOutcome.DUPLICATE, duplicate_of=duplicate)
    with original.file.open("rb") as handle:
        content = handle.read()
    try:
        photo = open_photo(content)
    except (OSError, ValueError, SyntaxError):
        return _record(original, PhotoOutcome.UNREADABLE)
    try:
        flat, _corners = flatten(photo.bgr, settings.SCAN_DPI)
    except NoPageFound:
        gray = cv2.cvtColor(photo.bgr, cv2.COLOR_BGR2GRAY)
        if not looks_flat(gray):
            outcome = PhotoOutcome.DARK if is_dark(gray) else PhotoOutcome.NO_PAGE
            return _record(original, outcome)
        # The page fills the picture already (a scan, a scanner app's crop):
        # nothing to flatten, but it is made searchable all the same, at A4 width.
        flat = _a4_width(photo.bgr, settings.SCAN_DPI)
    digest = page_hash(cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY))
    try:
        pdf, text, confidence = _flat_pdf(
            flat, dpi=settings.SCAN_DPI, ocr=settings.SCAN_OCR
        )
    except ScanInputError:
        logger.warning("Photo %s could not be flattened.", original.pk, exc_info=True)
        return _record(original, PhotoOutcome.UNREADABLE)
    stem = Path(original.original_name).stem or "anh-chup"
    stored: list[str] = []
    try:
        with transaction.atomic():
            derived = dossier_file_store(
                dossier=original.dossier,
                name=f"{stem}-phang.pdf",
                content=pdf,
                media_type=MEDIA_TYPES["pdf"],
                stored=stored,
                kind=original.kind,
                component_id=original.component_id,
                pages=1,
                source=original.source,
                ocr_text=text,
                ocr_confidence=confidence,
                check=False,
            )
            record = _record(
                original,
                PhotoOutcome.FLATTENED,
                derived=derived,
                digest=digest,
                duplicate_of=_same_page(original, digest),
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return record


def _record(
    original: DossierFile,
    outcome: str,
    *,
    derived: DossierFile | None = None,
    digest: int | None = None,
    duplicate_of: DossierFile | None = None,
) -> FlattenedPhoto:
    with transaction.atomic():
        record = FlattenedPhoto.objects.create(
            original=original,
            derived=derived,
            outcome=outcome,
            page_hash=f"{digest:016x}" if digest is not None else "",
            duplicate_of=duplicate_of,
        )
        audit_record(
            actor=None,
            action="dossier_file.photo_flattened",
            obj=original,
            after={
                "outcome": outcome,
                "derived": derived.pk if derived else None,
                "duplicate_of": duplicate_of.pk if duplicate_of else None,
            },
            agency=original.dossier.agency,
        )
    return record


def flattened_files(files: list[DossierFile]) -> dict[int, FlattenedPhoto]:
    """For staff pages: original file id → its flattening record (with the
    derived file), so the flat page is shown and the original offered for
    download."""
    records = FlattenedPhoto.objects.filter(
        original_id__in=[f.pk for f in files]
    ).select_related("derived", "duplicate_of")
    return {record.original_id: record for record in records}


def photo_flatten_queue(*, file_id: int) -> None:
    """Queue the flattening of a stored upload (on commit)."""
    from .tasks import flatten_dossier_photo

    flatten_dossier_photo.delay_on_commit(file_id)
