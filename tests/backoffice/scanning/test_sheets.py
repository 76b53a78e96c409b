"""QR sheet payloads and the printed cover/separator PDF."""

import io

import numpy as np
import pytest
import zxingcpp
from pdf2image import convert_from_bytes
from pypdf import PdfReader

from backoffice.scanning.sheets import (
    COVER,
    NAME_MAX_CHARS,
    SEPARATOR,
    SheetPayload,
    cover_payload,
    parse_payload,
    separator_payload,
    sheets_pdf,
)

CODE = "000.00.31.H53-20261125-0000012"


def test_cover_payload_round_trip():
    text = cover_payload(dossier_code=CODE, procedure_code="2.000635")
    assert text == f"MOTCUA|1|COVER|{CODE}|2.000635"
    assert parse_payload(text) == SheetPayload(COVER, CODE, "2.000635")


def test_separator_payload_round_trip_keeps_vietnamese():
    text = separator_payload(
        dossier_code=CODE,
        procedure_code="2.000635",
        position=3,
        component_name="Giấy ủy quyền",
    )
    assert text == f"MOTCUA|1|SEP|{CODE}|2.000635|3|Giấy ủy quyền"
    payload = parse_payload(text)
    assert payload == SheetPayload(SEPARATOR, CODE, "2.000635", 3, "Giấy ủy quyền")
    assert not payload.is_cover


def test_separator_name_is_cleaned_and_truncated():
    long_name = "Bản sao giấy chứng nhận | quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất"
    text = separator_payload(
        dossier_code=CODE,
        procedure_code="2.000635",
        position=2,
        component_name=long_name,
    )
    payload = parse_payload(text)
    assert payload.position == 2
    assert "|" not in payload.component_name
    assert len(payload.component_name) <= NAME_MAX_CHARS
    assert payload.component_name.endswith("…")
    assert payload.component_name.startswith("Bản sao giấy chứng nhận / quyền")


def test_separator_rejects_position_zero():
    with pytest.raises(ValueError):
        separator_payload(
            dossier_code=CODE, procedure_code="1", position=0, component_name="x"
        )


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "https://dichvucong.gov.vn/?code=123",
        "MOTCUA|2|COVER|A|B",  # unknown version
        "MOTCUA|1|COVER||B",
        "MOTCUA|1|SEP|A|B|x|name",
        "MOTCUA|1|SEP|A|B|0|name",
        "MOTCUA|1|SEP|A|B",
        "MOTCUA|1|OTHER|A|B",
    ],
)
def test_parse_payload_ignores_other_codes(text):
    assert parse_payload(text) is None


def test_sheets_pdf_has_cover_then_one_separator_per_component_with_readable_qr():
    components = [
        (1, "Tờ khai đăng ký kết hôn"),
        (2, "Giấy xác nhận tình trạng hôn nhân"),
    ]
    pdf = sheets_pdf(
        dossier_code=CODE,
        procedure_code="1.004227",
        procedure_name="Đăng ký kết hôn",
        applicant_name="Trần Thị Bích",
        agency_name="UBND phường 6",
        components=components,
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    first = reader.pages[0].extract_text()
    assert "TỜ BÌA HỒ SƠ" in first and "Trần Thị Bích" in first
    assert "Đặt tờ này trước thành phần hồ sơ" in reader.pages[2].extract_text()
    payloads = []
    for image in convert_from_bytes(pdf, dpi=100, grayscale=True):
        found = zxingcpp.read_barcodes(
            np.asarray(image), formats=zxingcpp.BarcodeFormat.QRCode
        )
        assert len(found) == 1
        payloads.append(parse_payload(found[0].text))
    assert payloads == [
        SheetPayload(COVER, CODE, "1.004227"),
        SheetPayload(SEPARATOR, CODE, "1.004227", 1, "Tờ khai đăng ký kết hôn"),
        SheetPayload(
            SEPARATOR, CODE, "1.004227", 2, "Giấy xác nhận tình trạng hôn nhân"
        ),
    ]
