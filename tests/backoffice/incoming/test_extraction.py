"""Full text for staff search: the text layer, or OCR in the worker for scans."""

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from backoffice.incoming.models import IncomingFile
from backoffice.incoming.services import incoming_check, incoming_receive
from backoffice.incoming.types import ReceivedFile
from tests.backoffice.incoming.conftest import reload

pytestmark = pytest.mark.django_db
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def scanned_pdf() -> bytes:
    """A page image without a text layer, as a scanner makes it."""
    page = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 48)
    for n, line in enumerate(["GIẤY MỜI HỌP", "Về việc chuyển đổi số", "Sóc Trăng"]):
        draw.text((150, 200 + n * 90), line, font=font, fill=0)
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=200)
    return buffer.getvalue()


def test_a_scan_without_text_is_read_by_ocr_in_the_worker(
    desk, celery_eager, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        document = incoming_receive(
            agency=desk["agency"],
            main=ReceivedFile("giay-moi.pdf", scanned_pdf()),
            via="upload",
        )
    document = reload(document)
    assert document.verdict == "unsigned"
    record = IncomingFile.objects.get(document=document)
    assert record.text_source == "ocr"
    assert "chuyển đổi số" in document.full_text.lower()


def test_a_text_layer_is_kept_without_ocr(desk, pdfs) -> None:
    document = incoming_receive(
        agency=desk["agency"], main=ReceivedFile("cv.pdf", pdfs["signed"]), via="upload"
    )
    incoming_check(document_id=document.pk)
    document = reload(document)
    assert "tiếp nhận văn bản điện tử" in document.full_text
    assert IncomingFile.objects.get(document=document).text_source == "layer"
