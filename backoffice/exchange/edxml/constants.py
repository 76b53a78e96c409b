"""Names and codes of QCVN 102:2016 (see DOMAIN.md "Inter-agency exchange")."""

from enum import IntEnum

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK_NS = "http://www.w3.org/1999/xlink"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
NSMAP = {None: NS, "edXML": NS}

DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"


def q(name: str) -> str:
    """The qualified (Clark) name of an edXML element."""
    return f"{{{NS}}}{name}"


class BusinessType(IntEnum):
    NEW = 0
    REVOKE = 1
    UPDATE = 2
    REPLACE = 3


class StatusCode:
    """Status packet codes (the receiving side reports them to the sender)."""

    ARRIVED = "01"
    REFUSED = "02"
    REGISTERED = "03"
    ASSIGNED = "04"
    PROCESSING = "05"
    DONE = "06"
    RECALL_REQUESTED = "13"
    RECALL_AGREED = "15"
    RECALL_REFUSED = "16"

    ALL = (
        ARRIVED,
        REFUSED,
        REGISTERED,
        ASSIGNED,
        PROCESSING,
        DONE,
        RECALL_REQUESTED,
        RECALL_AGREED,
        RECALL_REFUSED,
    )


# Header fields a packet must carry to be valid (besides the schema's structure).
MANDATORY_HEADER_FIELDS = (
    "from",
    "to",
    "number",
    "notation",
    "promulgation_date",
    "document_type",
    "subject",
    "document_id",
)
