"""Choices and fixed tables of official documents (văn bản, Decree 30/2020)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The verdict is the one `verify_pdf` returns (backoffice.signatures): one source of
# truth, so a stored verdict and a fresh check always compare equal.
from backoffice.signatures.constants import VerdictKind as SignatureVerdict


class DocumentType(models.TextChoices):
    """Type of an administrative document (thể loại văn bản), Decree 30/2020 App. III.

    Values are ASCII slugs of the Vietnamese name: stable in URLs, filters and
    imports, and independent of the abbreviation, which is case-sensitive and
    carries Đ (QyĐ, TTr).
    """

    NGHI_QUYET = "nghi-quyet", _("Nghị quyết")
    QUYET_DINH = "quyet-dinh", _("Quyết định")
    CHI_THI = "chi-thi", _("Chỉ thị")
    QUY_CHE = "quy-che", _("Quy chế")
    QUY_DINH = "quy-dinh", _("Quy định")
    THONG_CAO = "thong-cao", _("Thông cáo")
    THONG_BAO = "thong-bao", _("Thông báo")
    HUONG_DAN = "huong-dan", _("Hướng dẫn")
    CHUONG_TRINH = "chuong-trinh", _("Chương trình")
    KE_HOACH = "ke-hoach", _("Kế hoạch")
    PHUONG_AN = "phuong-an", _("Phương án")
    DE_AN = "de-an", _("Đề án")
    DU_AN = "du-an", _("Dự án")
    BAO_CAO = "bao-cao", _("Báo cáo")
    BIEN_BAN = "bien-ban", _("Biên bản")
    TO_TRINH = "to-trinh", _("Tờ trình")
    HOP_DONG = "hop-dong", _("Hợp đồng")
    CONG_VAN = "cong-van", _("Công văn")
    CONG_DIEN = "cong-dien", _("Công điện")
    BAN_GHI_NHO = "ban-ghi-nho", _("Bản ghi nhớ")
    BAN_THOA_THUAN = "ban-thoa-thuan", _("Bản thỏa thuận")
    GIAY_UY_QUYEN = "giay-uy-quyen", _("Giấy ủy quyền")
    GIAY_MOI = "giay-moi", _("Giấy mời")
    GIAY_GIOI_THIEU = "giay-gioi-thieu", _("Giấy giới thiệu")
    GIAY_NGHI_PHEP = "giay-nghi-phep", _("Giấy nghỉ phép")
    PHIEU_GUI = "phieu-gui", _("Phiếu gửi")
    PHIEU_CHUYEN = "phieu-chuyen", _("Phiếu chuyển")
    PHIEU_BAO = "phieu-bao", _("Phiếu báo")
    THU_CONG = "thu-cong", _("Thư công")
    # Legal-document forms outside Decree 30 (Law 80/2015 Art. 4): the library
    # publishes the central documents that procedures cite (61/2018/NĐ-CP).
    LUAT = "luat", _("Luật")
    NGHI_DINH = "nghi-dinh", _("Nghị định")
    THONG_TU = "thong-tu", _("Thông tư")
    THONG_TU_LIEN_TICH = "thong-tu-lien-tich", _("Thông tư liên tịch")


T = DocumentType

# Abbreviation used in the number-symbol (ký hiệu). Case and Đ are significant:
# "QĐ" (Quyết định) ≠ "QyĐ" (Quy định), "TTr" (Tờ trình) ≠ "TT". None means the
# type has no abbreviation: a công văn's symbol is issuer-unit only, a thư công
# carries none.
DOCUMENT_TYPE_ABBREVIATIONS: dict[str, str | None] = {
    T.NGHI_QUYET: "NQ",
    T.QUYET_DINH: "QĐ",
    T.CHI_THI: "CT",
    T.QUY_CHE: "QC",
    T.QUY_DINH: "QyĐ",
    T.THONG_CAO: "TC",
    T.THONG_BAO: "TB",
    T.HUONG_DAN: "HD",
    T.CHUONG_TRINH: "CTr",
    T.KE_HOACH: "KH",
    T.PHUONG_AN: "PA",
    T.DE_AN: "ĐA",
    T.DU_AN: "DA",
    T.BAO_CAO: "BC",
    T.BIEN_BAN: "BB",
    T.TO_TRINH: "TTr",
    T.HOP_DONG: "HĐ",
    T.CONG_VAN: None,
    T.CONG_DIEN: "CĐ",
    T.BAN_GHI_NHO: "BGN",
    T.BAN_THOA_THUAN: "BTT",
    T.GIAY_UY_QUYEN: "GUQ",
    T.GIAY_MOI: "GM",
    T.GIAY_GIOI_THIEU: "GGT",
    T.GIAY_NGHI_PHEP: "GNP",
    T.PHIEU_GUI: "PG",
    T.PHIEU_CHUYEN: "PC",
    T.PHIEU_BAO: "PB",
    T.THU_CONG: None,
    # A law's symbol names the legislature only: 80/2015/QH13.
    T.LUAT: None,
    T.NGHI_DINH: "NĐ",
    T.THONG_TU: "TT",
    T.THONG_TU_LIEN_TICH: "TTLT",
}

# The administrative types of Decree 30/2020 App. III proper (DOMAIN.md).
DECREE_30_DOCUMENT_TYPES: frozenset[str] = frozenset(
    set(DocumentType) - {T.LUAT, T.NGHI_DINH, T.THONG_TU, T.THONG_TU_LIEN_TICH}
)

# Inverse table for parsing; built from the one above so the two cannot drift.
ABBREVIATION_DOCUMENT_TYPES: dict[str, str] = {
    abbreviation: str(document_type)
    for document_type, abbreviation in DOCUMENT_TYPE_ABBREVIATIONS.items()
    if abbreviation is not None
}

# Types that may be legal documents (văn bản quy phạm pháp luật), whose
# number-symbol adds the year: 15/2016/QĐ-UBND. Chỉ thị stays for documents issued
# under the 2004 law, which are still in force in places.
LEGAL_DOCUMENT_TYPES: frozenset[str] = frozenset(
    {
        T.NGHI_QUYET,
        T.QUYET_DINH,
        T.CHI_THI,
        T.LUAT,
        T.NGHI_DINH,
        T.THONG_TU,
        T.THONG_TU_LIEN_TICH,
    }
)


class CopyForm(models.TextChoices):
    """Form of a copy (hình thức bản sao), Decree 30/2020 Art. 25."""

    SAO_Y = "sao-y", _("Sao y")
    TRICH_SAO = "trich-sao", _("Trích sao")
    SAO_LUC = "sao-luc", _("Sao lục")


COPY_FORM_ABBREVIATIONS: dict[str, str] = {
    CopyForm.SAO_Y: "SY",
    CopyForm.TRICH_SAO: "TrS",
    CopyForm.SAO_LUC: "SL",
}


class Urgency(models.TextChoices):
    """Urgency mark (độ khẩn); anything but NORMAL is handled at once."""

    NORMAL = "thuong", _("Thường")
    KHAN = "khan", _("Khẩn")
    THUONG_KHAN = "thuong-khan", _("Thượng khẩn")
    HOA_TOC = "hoa-toc", _("Hỏa tốc")


class Confidentiality(models.TextChoices):
    """Secrecy mark (độ mật). Anything but NORMAL is a state secret and never
    goes through electronic exchange or the public library (DOMAIN.md)."""

    NORMAL = "thuong", _("Thường")
    MAT = "mat", _("Mật")
    TOI_MAT = "toi-mat", _("Tối mật")
    TUYET_MAT = "tuyet-mat", _("Tuyệt mật")


class LegalStatus(models.TextChoices):
    """Validity of a published document (tình trạng hiệu lực)."""

    IN_FORCE = "in-force", _("Còn hiệu lực")
    EXPIRED = "expired", _("Hết hiệu lực")
    REPLACED = "replaced", _("Bị thay thế")


__all__ = [
    "ABBREVIATION_DOCUMENT_TYPES",
    "COPY_FORM_ABBREVIATIONS",
    "DECREE_30_DOCUMENT_TYPES",
    "DOCUMENT_TYPE_ABBREVIATIONS",
    "LEGAL_DOCUMENT_TYPES",
    "Confidentiality",
    "CopyForm",
    "DocumentType",
    "LegalStatus",
    "SignatureVerdict",
    "Urgency",
]

# The lease kind of the OCR job of a document file (backoffice.core.leases).
OCR_JOB = "document_ocr"
