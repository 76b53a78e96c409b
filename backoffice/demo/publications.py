"""Demo library: real official documents (number-symbols, issuers, dates, subjects)
published with a generated PDF each, so the library and its search are alive.

The regulation 15/2016/QĐ-UBND of Sóc Trăng, the laws and decrees it cites and the
later texts of DOMAIN.md. Signers and effective dates are given only where known.
The PDF is a generated page stating the metadata, not the official text. Most
Sóc Trăng and one-stop texts are signed with the demo agency certificate (valid);
one is signed by a CA outside the trust store (untrusted) and one is damaged after
signing (invalid), so every verdict badge can be seen. Idempotent: a document that
is already published is left as it is.
"""

import datetime as dt
import secrets
from typing import Any

from backoffice.documents.constants import DocumentType, LegalStatus
from backoffice.documents.models import OfficialDocument
from backoffice.documents.publishing import publisher_get
from backoffice.documents.services import (
    DocumentInput,
    PdfUpload,
    document_input_check,
    document_key,
    document_save_and_publish,
)
from backoffice.signatures import pki
from backoffice.signatures.event_loop import outside_event_loop
from backoffice.signatures.signing import load_signer, pdf_sign

from .documents import demo_pdf

QH = "Quốc hội"
CP = "Chính phủ"
TTG = "Thủ tướng Chính phủ"
BNV = "Bộ Nội vụ"
VPCP = "Văn phòng Chính phủ"
UBND_ST = "Ủy ban nhân dân tỉnh Sóc Trăng"
CTQH = "Chủ tịch Quốc hội"
TT = "Thủ tướng"

L, ND, T, QD, CT = (
    DocumentType.LUAT,
    DocumentType.NGHI_DINH,
    DocumentType.THONG_TU,
    DocumentType.QUYET_DINH,
    DocumentType.CHI_THI,
)
IT = "Công nghệ thông tin"
ETX = "Giao dịch điện tử"
ARCH = "Văn thư, lưu trữ"
SIG = "Chữ ký số"
ONE = "Thủ tục hành chính"
ADM = "Hành chính nhà nước"
IDN = "Định danh điện tử"

VALID, UNTRUSTED, BROKEN = "valid", "untrusted", "broken"


def _d(text: str) -> dt.date:
    day, month, year = (int(part) for part in text.split("/"))
    return dt.date(year, month, day)


# (number-symbol, type, issuer, issued, effective, field, subject, signer,
#  position, replaced by (number-symbol, issuer) or "expired", signature)
DOCUMENTS: list[tuple[Any, ...]] = [
    ("51/2005/QH11", L, QH, "29/11/2005", "01/03/2006", ETX,
     "Luật Giao dịch điện tử", "Nguyễn Văn An", CTQH, ("20/2023/QH15", QH), None),
    ("20/2023/QH15", L, QH, "22/06/2023", "01/07/2024", ETX,
     "Luật Giao dịch điện tử", "Vương Đình Huệ", CTQH, None, None),
    ("67/2006/QH11", L, QH, "29/06/2006", "01/01/2007", IT,
     "Luật Công nghệ thông tin", "Nguyễn Phú Trọng", CTQH, None, None),
    ("01/2011/QH13", L, QH, "11/11/2011", "01/07/2012", ARCH,
     "Luật Lưu trữ", "Nguyễn Sinh Hùng", CTQH, ("33/2024/QH15", QH), None),
    ("33/2024/QH15", L, QH, "21/06/2024", "01/07/2025", ARCH,
     "Luật Lưu trữ", "Trần Thanh Mẫn", CTQH, None, None),
    ("80/2015/QH13", L, QH, "22/06/2015", "01/07/2016", ADM,
     "Luật Ban hành văn bản quy phạm pháp luật", "Nguyễn Sinh Hùng", CTQH,
     "expired", None),
    ("77/2015/QH13", L, QH, "19/06/2015", "01/01/2016", ADM,
     "Luật Tổ chức chính quyền địa phương", "Nguyễn Sinh Hùng", CTQH,
     "expired", None),
    ("86/2015/QH13", L, QH, "19/11/2015", "01/07/2016", IT,
     "Luật An toàn thông tin mạng", "Nguyễn Sinh Hùng", CTQH, None, None),
    ("104/2016/QH13", L, QH, "06/04/2016", "01/07/2018", ADM,
     "Luật Tiếp cận thông tin", "Nguyễn Thị Kim Ngân", CTQH, None, None),
    ("29/2018/QH14", L, QH, "15/11/2018", "01/07/2020", ARCH,
     "Luật Bảo vệ bí mật nhà nước", "Nguyễn Thị Kim Ngân", CTQH, None, None),
    ("26/2023/QH15", L, QH, "27/11/2023", "01/07/2024", IDN,
     "Luật Căn cước", "Vương Đình Huệ", CTQH, None, None),
    ("110/2004/NĐ-CP", ND, CP, "08/04/2004", None, ARCH,
     "Về công tác văn thư", "Phan Văn Khải", TT, ("30/2020/NĐ-CP", CP), None),
    ("26/2007/NĐ-CP", ND, CP, "15/02/2007", None, SIG,
     "Quy định chi tiết thi hành Luật Giao dịch điện tử về chữ ký số và dịch vụ "
     "chứng thực chữ ký số", "Nguyễn Tấn Dũng", TT, ("130/2018/NĐ-CP", CP), None),
    ("64/2007/NĐ-CP", ND, CP, "10/04/2007", None, IT,
     "Về ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước",
     "Nguyễn Tấn Dũng", TT, None, None),
    ("09/2010/NĐ-CP", ND, CP, "08/02/2010", None, ARCH,
     "Sửa đổi, bổ sung một số điều của Nghị định số 110/2004/NĐ-CP ngày 08 tháng "
     "4 năm 2004 của Chính phủ về công tác văn thư", "Nguyễn Tấn Dũng", TT,
     ("30/2020/NĐ-CP", CP), None),
    ("85/2016/NĐ-CP", ND, CP, "01/07/2016", None, IT,
     "Về bảo đảm an toàn hệ thống thông tin theo cấp độ", "Nguyễn Xuân Phúc", TT,
     None, None),
    ("61/2018/NĐ-CP", ND, CP, "23/04/2018", "21/06/2018", ONE,
     "Về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục "
     "hành chính", "Nguyễn Xuân Phúc", TT, ("118/2025/NĐ-CP", CP), VALID),
    ("130/2018/NĐ-CP", ND, CP, "27/09/2018", None, SIG,
     "Quy định chi tiết thi hành Luật Giao dịch điện tử về chữ ký số và dịch vụ "
     "chứng thực chữ ký số", "Nguyễn Xuân Phúc", TT, ("23/2025/NĐ-CP", CP), None),
    ("30/2020/NĐ-CP", ND, CP, "05/03/2020", "05/03/2020", ARCH,
     "Về công tác văn thư", "Nguyễn Xuân Phúc", TT, None, VALID),
    ("107/2021/NĐ-CP", ND, CP, "06/12/2021", None, ONE,
     "Sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 "
     "năm 2018 của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông "
     "trong giải quyết thủ tục hành chính", "", "", ("118/2025/NĐ-CP", CP), None),
    ("42/2022/NĐ-CP", ND, CP, "24/06/2022", None, IT,
     "Quy định về việc cung cấp thông tin và dịch vụ công trực tuyến của cơ quan "
     "nhà nước trên môi trường mạng", "", "", None, None),
    ("59/2022/NĐ-CP", ND, CP, "05/09/2022", None, IDN,
     "Quy định về định danh và xác thực điện tử", "", "", ("69/2024/NĐ-CP", CP),
     None),
    ("68/2024/NĐ-CP", ND, CP, "25/06/2024", None, SIG,
     "Quy định về chữ ký số chuyên dùng công vụ", "", "", None, VALID),
    ("69/2024/NĐ-CP", ND, CP, "25/06/2024", None, IDN,
     "Quy định về định danh và xác thực điện tử", "", "", None, None),
    ("23/2025/NĐ-CP", ND, CP, "21/02/2025", None, SIG,
     "Quy định về chữ ký điện tử và dịch vụ tin cậy", "", "", None, VALID),
    ("118/2025/NĐ-CP", ND, CP, "09/06/2025", "01/07/2025", ONE,
     "Về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông tại "
     "Bộ phận Một cửa và Cổng Dịch vụ công quốc gia", "", "", None, VALID),
    ("01/2011/TT-BNV", T, BNV, "19/01/2011", None, ARCH,
     "Hướng dẫn thể thức và kỹ thuật trình bày văn bản hành chính", "", "",
     ("30/2020/NĐ-CP", CP), None),
    ("01/2018/TT-VPCP", T, VPCP, "23/11/2018", None, ONE,
     "Hướng dẫn thi hành một số quy định của Nghị định số 61/2018/NĐ-CP ngày 23 "
     "tháng 4 năm 2018 của Chính phủ về thực hiện cơ chế một cửa, một cửa liên "
     "thông trong giải quyết thủ tục hành chính", "Mai Tiến Dũng",
     "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ", "expired", UNTRUSTED),
    ("01/2019/TT-BNV", T, BNV, "24/01/2019", None, ARCH,
     "Quy định quy trình trao đổi, lưu trữ, xử lý tài liệu điện tử trong công tác "
     "văn thư, các chức năng cơ bản của Hệ thống quản lý tài liệu điện tử trong "
     "quá trình xử lý công việc của các cơ quan, tổ chức", "", "", None, None),
    ("15/CT-TTg", CT, TTG, "22/05/2012", None, ARCH,
     "Về việc tăng cường sử dụng văn bản điện tử trong hoạt động của cơ quan nhà "
     "nước", "", "", None, None),
    ("28/2018/QĐ-TTg", QD, TTG, "12/07/2018", None, ARCH,
     "Về việc gửi, nhận văn bản điện tử giữa các cơ quan trong hệ thống hành chính "
     "nhà nước", "Nguyễn Xuân Phúc", TT, None, None),
    ("749/QĐ-TTg", QD, TTG, "03/06/2020", None, IT,
     "Phê duyệt Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến "
     "năm 2030", "", "", None, None),
    ("06/QĐ-TTg", QD, TTG, "06/01/2022", None, IDN,
     "Phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực "
     "điện tử phục vụ chuyển đổi số quốc gia giai đoạn 2022 - 2025, tầm nhìn đến "
     "năm 2030", "", "", None, BROKEN),
    ("15/2016/QĐ-UBND", QD, UBND_ST, "14/07/2016", "25/07/2016", ARCH,
     "Ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử trong hoạt động "
     "của cơ quan nhà nước tỉnh Sóc Trăng", "", "", None, VALID),
]  # fmt: skip


def _pdf(data: DocumentInput, type_label: str) -> bytes:
    lines = [
        f"Cơ quan ban hành: {data.issuer}",
        f"Số, ký hiệu: {data.number_symbol}",
        f"Ngày ban hành: {data.issued_date:%d/%m/%Y}",
    ]
    if data.effective_date:
        lines.append(f"Ngày có hiệu lực: {data.effective_date:%d/%m/%Y}")
    if data.field:
        lines.append(f"Lĩnh vực: {data.field}")
    lines.append("Trích yếu:")
    words, line = data.subject.split(), ""
    for word in words:  # wrap the subject to the page width
        if len(line) + len(word) > 70:
            lines.append(f"    {line}")
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(f"    {line}")
    if data.signer_name:
        lines.append(f"Người ký: {data.signer_name} — {data.signer_position}")
    lines += [
        "",
        "Bản trình bày thông tin văn bản do hệ thống Một Cửa tạo cho dữ liệu mẫu;",
        "nội dung chính thức xem tại Cơ sở dữ liệu quốc gia về văn bản pháp luật.",
    ]
    return demo_pdf(title=f"{type_label.upper()} {data.number_symbol}", lines=lines)


def _untrusted_signer() -> Any:
    """A signer whose CA is not in the trust store (made fresh, never trusted)."""
    root = pki.make_root(
        common_name="CA thử nghiệm ngoài danh sách tin cậy", organization="Demo"
    )
    keypair = pki.make_signing_certificate(
        issuer=root, common_name="Văn phòng Chính phủ (chứng thư thử nghiệm)"
    )
    # A throwaway key in memory: the password only wraps it for the loader.
    password = secrets.token_hex(8)
    data = pki.pkcs12_bytes(signer=keypair, chain=[root.certificate], password=password)
    return load_signer(pkcs12_data=data, password=password)


def _signed(content: bytes, kind: str | None, location: str) -> bytes:
    if kind is None:
        return content
    signer = _untrusted_signer() if kind == UNTRUSTED else None
    signed = outside_event_loop(
        lambda: pdf_sign(
            pdf_bytes=content,
            reason="Công bố văn bản trên Cổng thông tin",
            location=location,
            signer=signer,
        )
    )
    if kind == BROKEN:
        # Change one signed byte (in the producer name, so the page still reads):
        # the signature no longer matches, as in a damaged or tampered file.
        at = signed.index(b"ReportLab")
        signed = signed[:at] + b"X" + signed[at + 1 :]
    return signed


def demo_publications_load() -> dict[str, int]:
    """Publish the demo documents that are not in the library yet; returns
    {"published": new ones, "total": demo documents in the library}."""
    labels = dict(DocumentType.choices)
    by_symbol: dict[tuple[str, str], OfficialDocument] = {}
    published = 0
    pending = list(DOCUMENTS)
    while pending:
        row = pending.pop(0)
        (symbol, kind, issuer, issued, effective, field, subject) = row[:7]
        signer, position, replaced, signature = row[7:]
        status = LegalStatus.IN_FORCE
        replaced_by = None
        if replaced == "expired":
            status = LegalStatus.EXPIRED
        elif replaced is not None:
            if replaced not in by_symbol:
                pending.append(row)  # its replacement comes later in the list
                continue
            status, replaced_by = LegalStatus.REPLACED, by_symbol[replaced]
        data = document_input_check(
            DocumentInput(
                number_symbol=symbol,
                document_type=kind,
                issuer=issuer,
                issued_date=_d(issued),
                effective_date=_d(effective) if effective else None,
                field=field,
                subject=subject,
                signer_name=signer,
                signer_position=position,
                legal_status=status,
                replaced_by=replaced_by,
            )
        )
        existing = OfficialDocument.objects.filter(
            issuer=data.issuer, number_symbol_key=document_key(data)
        ).first()
        if existing is not None and publisher_get().is_live(existing):
            by_symbol[(symbol, issuer)] = existing
            continue
        content = _signed(_pdf(data, str(labels[kind])), signature, issuer)
        file_name = symbol.replace("/", "-") + ".pdf"
        outcome = document_save_and_publish(
            actor=None,
            data=data,
            files=[PdfUpload(name=file_name, content=content)],
        )
        by_symbol[(symbol, issuer)] = outcome.document
        published += 1
    return {"published": published, "total": len(by_symbol)}
