"""Printable form templates (mẫu đơn, tờ khai) for the demo procedures.

`python -m backoffice.demo.procedure_templates DIR` writes them; the files are
shipped in ``backoffice/procedures/data/templates/`` and named by the demo
procedure file, so `import_procedures` attaches them like any other import.
They follow the layout of the official forms (national motto, addressee,
applicant, request, signature) and say that the official form prevails.
Output is deterministic (no timestamps), so regenerating changes nothing.
"""

import io
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from backoffice.core.pdf_fonts import dejavu

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
NOTE = (
    "Mẫu tham khảo của bản trình diễn; khi nộp hồ sơ, dùng mẫu chính thức theo văn "
    "bản quy định của thủ tục."
)
PERSON = [
    "Họ, chữ đệm, tên người yêu cầu:",
    "Ngày, tháng, năm sinh:",
    "Số định danh cá nhân:",
    "Nơi cư trú:",
    "Số điện thoại, thư điện tử:",
]
ORGANISATION = [
    "Tên tổ chức, doanh nghiệp:",
    "Mã số thuế / mã số doanh nghiệp:",
    "Địa chỉ trụ sở chính:",
    "Người đại diện theo pháp luật:",
    "Số điện thoại, thư điện tử:",
]

# file name → (title, addressee, applicant lines, request lines)
TEMPLATES: dict[str, tuple[str, str, list[str], list[str]]] = {
    "to-khai-dang-ky-khai-sinh.docx": (
        "TỜ KHAI ĐĂNG KÝ KHAI SINH",
        "Ủy ban nhân dân xã/phường",
        PERSON,
        [
            "Quan hệ với người được khai sinh:",
            "Họ, chữ đệm, tên người được khai sinh:",
            "Giới tính: ........ Dân tộc: ........ Quốc tịch:",
            "Ngày, tháng, năm sinh (ghi bằng chữ):",
            "Nơi sinh:",
            "Họ, chữ đệm, tên người mẹ:",
            "Họ, chữ đệm, tên người cha:",
        ],
    ),
    "to-khai-dang-ky-ket-hon.docx": (
        "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
        "Ủy ban nhân dân xã/phường",
        ["Bên nữ — họ, chữ đệm, tên:", "Bên nam — họ, chữ đệm, tên:"] + PERSON[1:4],
        [
            "Kết hôn lần thứ mấy:",
            "Chúng tôi cam đoan những lời khai trên là đúng sự thật.",
        ],
    ),
    "to-khai-dang-ky-khai-tu.docx": (
        "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
        "Ủy ban nhân dân xã/phường",
        PERSON,
        [
            "Họ, chữ đệm, tên người đã chết:",
            "Số định danh cá nhân của người đã chết:",
            "Đã chết vào lúc: ..... giờ ..... phút, ngày ..... tháng ..... năm",
            "Nơi chết:",
            "Nguyên nhân chết:",
        ],
    ),
    "to-khai-cap-ban-sao-trich-luc-ho-tich.docx": (
        "TỜ KHAI YÊU CẦU CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH",
        "Ủy ban nhân dân xã/phường",
        PERSON,
        ["Loại trích lục đề nghị cấp:", "Số bản sao:", "Thông tin người được cấp:"],
    ),
    "to-khai-xac-nhan-tinh-trang-hon-nhan.docx": (
        "TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
        "Ủy ban nhân dân xã/phường",
        PERSON,
        ["Tình trạng hôn nhân:", "Mục đích sử dụng Giấy xác nhận:"],
    ),
    "giay-de-nghi-dang-ky-ho-kinh-doanh.pdf": (
        "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH",
        "Phòng Kinh tế xã/phường",
        PERSON,
        [
            "Tên hộ kinh doanh:",
            "Địa chỉ trụ sở hộ kinh doanh:",
            "Ngành, nghề kinh doanh:",
            "Vốn kinh doanh (bằng số, bằng chữ):",
            "Số lượng lao động dự kiến:",
        ],
    ),
    "giay-de-nghi-dang-ky-doanh-nghiep.pdf": (
        "GIẤY ĐỀ NGHỊ ĐĂNG KÝ DOANH NGHIỆP",
        "Phòng Đăng ký kinh doanh",
        PERSON,
        [
            "Tình trạng thành lập: mới / thay thế hộ kinh doanh / tách / chia",
            "Tên doanh nghiệp viết bằng tiếng Việt:",
            "Địa chỉ trụ sở chính:",
            "Ngành, nghề kinh doanh:",
            "Vốn đầu tư của chủ doanh nghiệp tư nhân:",
        ],
    ),
    "don-dang-ky-dat-dai.pdf": (
        "ĐƠN ĐĂNG KÝ ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT",
        "Văn phòng đăng ký đất đai",
        PERSON + ORGANISATION[:2],
        [
            "Thửa đất số: ........ Tờ bản đồ số:",
            "Địa chỉ thửa đất:",
            "Diện tích (m²): ........ Mục đích sử dụng:",
            "Tài sản gắn liền với đất:",
            "Đề nghị cấp Giấy chứng nhận: có / không",
        ],
    ),
    "phieu-yeu-cau-cung-cap-du-lieu-dat-dai.pdf": (
        "PHIẾU YÊU CẦU CUNG CẤP THÔNG TIN, DỮ LIỆU ĐẤT ĐAI",
        "Văn phòng đăng ký đất đai",
        PERSON + ORGANISATION[:2],
        ["Thông tin, dữ liệu cần cung cấp:", "Mục đích sử dụng:", "Hình thức nhận:"],
    ),
    "don-de-nghi-cap-giay-phep-xay-dung.pdf": (
        "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG",
        "Ủy ban nhân dân xã/phường",
        PERSON + ORGANISATION[:2],
        [
            "Địa điểm xây dựng (lô đất, thửa đất, tờ bản đồ):",
            "Loại, cấp công trình:",
            "Diện tích xây dựng, tổng diện tích sàn, chiều cao, số tầng:",
            "Dự kiến thời gian hoàn thành công trình:",
        ],
    ),
    "van-ban-de-nghi-cap-giay-phep-moi-truong.pdf": (
        "VĂN BẢN ĐỀ NGHỊ CẤP GIẤY PHÉP MÔI TRƯỜNG",
        "Ủy ban nhân dân tỉnh",
        ORGANISATION,
        [
            "Tên dự án đầu tư, cơ sở:",
            "Địa điểm thực hiện:",
            "Loại hình sản xuất, kinh doanh, dịch vụ:",
            "Nội dung đề nghị cấp phép (nước thải, khí thải, chất thải):",
        ],
    ),
}


def _lines(title: str, to: str, who: list[str], request: list[str]) -> list[tuple]:
    """(style, text) lines shared by the PDF and DOCX renderings."""
    dots = " " + "." * 40
    return [
        ("center-bold", MOTTO[0]),
        ("center-bold", MOTTO[1]),
        ("blank", ""),
        ("title", title),
        ("center", f"Kính gửi: {to}" + "." * 20),
        ("blank", ""),
        *[("body", line + dots) for line in who],
        ("blank", ""),
        *[("body", line + dots) for line in request],
        ("blank", ""),
        ("body", "Tôi cam đoan nội dung đề nghị trên đây là đúng sự thật."),
        ("right", "Làm tại ........, ngày ..... tháng ..... năm ........"),
        ("right", "NGƯỜI YÊU CẦU (ký, ghi rõ họ, chữ đệm, tên)"),
        ("blank", ""),
        ("note", NOTE),
    ]


def template_pdf(name: str) -> bytes:
    regular, bold = dejavu("Serif")
    styles = {
        "center-bold": ParagraphStyle(
            "cb", fontName=bold, fontSize=11, leading=15, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "t", fontName=bold, fontSize=14, leading=20, alignment=TA_CENTER
        ),
        "center": ParagraphStyle(
            "c", fontName=regular, fontSize=11, leading=15, alignment=TA_CENTER
        ),
        "body": ParagraphStyle("b", fontName=regular, fontSize=11, leading=18),
        "right": ParagraphStyle(
            "r", fontName=regular, fontSize=11, leading=16, alignment=2
        ),
        "note": ParagraphStyle("n", fontName=regular, fontSize=8.5, leading=11),
    }
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=20 * mm,
        title=TEMPLATES[name][0],
        invariant=1,
    )
    story = [
        Spacer(1, 4 * mm)
        if style == "blank"
        else Paragraph(escape(text), styles[style])
        for style, text in _lines(*TEMPLATES[name])
    ]
    doc.build(story)
    return out.getvalue()


_DOCX_FILES = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    ),
}


def _docx_paragraph(style: str, text: str) -> str:
    align = {"center-bold": "center", "title": "center", "center": "center"}.get(
        style, "right" if style == "right" else "left"
    )
    bold = "<w:b/>" if style in ("center-bold", "title") else ""
    size = {"title": 28, "note": 17}.get(style, 24)
    return (
        f'<w:p><w:pPr><w:jc w:val="{align}"/></w:pPr><w:r><w:rPr>'
        '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/>'
        f'{bold}<w:sz w:val="{size}"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
    )


def template_docx(name: str) -> bytes:
    body = "".join(_docx_paragraph(s, t) for s, t in _lines(*TEMPLATES[name]))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
        f'2006/main"><w:body>{body}</w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in {**_DOCX_FILES, "word/document.xml": document}.items():
            info = zipfile.ZipInfo(path, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return out.getvalue()


def template_bytes(name: str) -> bytes:
    return template_docx(name) if name.endswith(".docx") else template_pdf(name)


def templates_write(directory: Path) -> list[Path]:
    """Write every template into `directory`; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TEMPLATES:
        path = directory / name
        path.write_bytes(template_bytes(name))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in templates_write(Path(sys.argv[1])):
        sys.stdout.write(f"{written_path}\n")
