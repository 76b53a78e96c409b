"""Demo agencies: Sóc Trăng, the province of regulation 15/2016/QĐ-UBND.

Codes follow QCVN 102:2016. Sóc Trăng's real level-1 number is not confirmed
(DOMAIN.md [?]): `H53` here and `H17` for Cần Thơ are demo values, kept as data.
Since the 2025 reorganisation Sóc Trăng's units are merged into Cần Thơ, so the
provincial committee points to its successor through `superseded_by`.
"""

from backoffice.core.constants import AgencyLevel

PROVINCE = "000.00.00.H53"
SUCCESSOR = "000.00.00.H17"

# (code, name, short name, level, parent code)
AGENCIES: list[tuple[str, str, str, str, str | None]] = [
    (
        SUCCESSOR,
        "Ủy ban nhân dân thành phố Cần Thơ",
        "UBND TP Cần Thơ",
        AgencyLevel.PROVINCE,
        None,
    ),
    (
        PROVINCE,
        "Ủy ban nhân dân tỉnh Sóc Trăng",
        "UBND tỉnh",
        AgencyLevel.PROVINCE,
        None,
    ),
    (
        "000.00.01.H53",
        "Văn phòng Ủy ban nhân dân tỉnh Sóc Trăng",
        "VP UBND tỉnh",
        AgencyLevel.DEPARTMENT,
        PROVINCE,
    ),
    (
        "000.00.03.H53",
        "Sở Nội vụ tỉnh Sóc Trăng",
        "SNV",
        AgencyLevel.DEPARTMENT,
        PROVINCE,
    ),
    (
        "000.00.04.H53",
        "Sở Tư pháp tỉnh Sóc Trăng",
        "STP",
        AgencyLevel.DEPARTMENT,
        PROVINCE,
    ),
    (
        "000.00.05.H53",
        "Sở Kế hoạch và Đầu tư tỉnh Sóc Trăng",
        "SKHĐT",
        AgencyLevel.DEPARTMENT,
        PROVINCE,
    ),
    (
        "000.00.06.H53",
        "Sở Tài chính tỉnh Sóc Trăng",
        "STC",
        AgencyLevel.DEPARTMENT,
        PROVINCE,
    ),
    (
        "000.00.07.H53",
        "Sở Xây dựng tỉnh Sóc Trăng",
        "SXD",
        AgencyLevel.DEPARTMENT,
        PROVINCE,
    ),
    (
        "000.00.09.H53",
        "Sở Tài nguyên và Môi trường tỉnh Sóc Trăng",
        "STNMT",
        AgencyLevel.DEPARTMENT,
        PROVINCE,
    ),
    (
        "000.00.11.H53",
        "Sở Thông tin và Truyền thông tỉnh Sóc Trăng",
        "STTTT",
        AgencyLevel.DEPARTMENT,
        PROVINCE,
    ),
    (
        "000.00.31.H53",
        "Ủy ban nhân dân thành phố Sóc Trăng",
        "UBND TP Sóc Trăng",
        AgencyLevel.DISTRICT,
        PROVINCE,
    ),
    (
        "000.00.40.H53",
        "Ủy ban nhân dân huyện Cù Lao Dung",
        "UBND huyện Cù Lao Dung",
        AgencyLevel.DISTRICT,
        PROVINCE,
    ),
    (
        "000.01.31.H53",
        "Ủy ban nhân dân Phường 1, thành phố Sóc Trăng",
        "UBND Phường 1",
        AgencyLevel.COMMUNE,
        "000.00.31.H53",
    ),
    (
        "000.02.31.H53",
        "Ủy ban nhân dân Phường 2, thành phố Sóc Trăng",
        "UBND Phường 2",
        AgencyLevel.COMMUNE,
        "000.00.31.H53",
    ),
    (
        "000.05.40.H53",
        "Ủy ban nhân dân xã An Thạnh Nam, huyện Cù Lao Dung",
        "UBND xã An Thạnh Nam",
        AgencyLevel.COMMUNE,
        "000.00.40.H53",
    ),
]

AGENCY_ADDRESSES = {
    PROVINCE: "Số 01 Trần Hưng Đạo, Phường 2, thành phố Sóc Trăng",
    "000.00.11.H53": "Số 19 Trần Hưng Đạo, Phường 2, thành phố Sóc Trăng",
}
