"""The content of an edXML packet as plain data (what is built and what is parsed)."""

import datetime as dt
from dataclasses import dataclass, field

from .constants import BusinessType


@dataclass(frozen=True)
class Organ:
    """An agency in a header (From, To, ResponseFor's sender)."""

    organ_id: str
    organ_name: str = ""
    organization_in_charge: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(frozen=True)
class Signer:
    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass(frozen=True)
class ResponseFor:
    """The document this one answers."""

    organ_id: str
    code: str
    promulgation_date: dt.date
    document_id: str


@dataclass(frozen=True)
class Staff:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(frozen=True)
class Business:
    doc_type: BusinessType = BusinessType.NEW
    reason: str = ""
    staff: Staff = field(default_factory=Staff)
    paper: bool = False


@dataclass(frozen=True)
class Trace:
    organ_id: str
    timestamp: dt.datetime


@dataclass(frozen=True)
class Attachment:
    """One file of the packet; `content_id` is unique in the packet."""

    content_id: str
    name: str
    content: bytes
    content_type: str = "application/pdf"
    description: str = ""


@dataclass(frozen=True)
class Header:
    sender: Organ
    recipients: tuple[Organ, ...]
    code_number: str
    code_notation: str
    promulgation_place: str
    promulgation_date: dt.date
    document_type: int  # 1 legal normative document, 2 administrative document
    document_type_name: str
    subject: str
    document_type_detail: int = 0
    content: str = ""
    signer: Signer = field(default_factory=Signer)
    due_date: dt.date | None = None
    to_places: tuple[str, ...] = ()
    priority: int = 0  # 0 ordinary … 4 (DOMAIN.md: priority 0–4)
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int = 1
    page_amount: int = 1
    appendixes: tuple[str, ...] = ()
    response_for: tuple[ResponseFor, ...] = ()
    steering_type: int = 0
    document_id: str = ""

    def default_document_id(self) -> str:
        """`{sender OrganId},{YYYY/MM/DD},{CodeNumber}/{CodeNotation}` (DOMAIN.md)."""
        return (
            f"{self.sender.organ_id},{self.promulgation_date:%Y/%m/%d},"
            f"{self.code_number}/{self.code_notation}"
        )


@dataclass(frozen=True)
class Packet:
    header: Header
    attachments: tuple[Attachment, ...] = ()
    business: Business = field(default_factory=Business)
    traces: tuple[Trace, ...] = ()
