"""Number-symbols of outgoing documents (Decree 30/2020, DOMAIN.md)."""

from backoffice.documents.constants import DOCUMENT_TYPE_ABBREVIATIONS
from backoffice.documents.number_symbols import number_symbol_parse


def number_symbol_build(
    *,
    number: int,
    year: int,
    document_type: str,
    is_legal: bool,
    issuer_symbol: str,
    unit_symbol: str = "",
) -> str:
    """`15/QĐ-UBND`, `15/2016/QĐ-UBND` (a legal document adds the year) or
    `12/UBND-VX` (a công văn: the agency and the drafting unit); numbers below
    10 get a leading zero. ValueError (Vietnamese) for a symbol that does not
    parse back."""
    abbreviation = DOCUMENT_TYPE_ABBREVIATIONS.get(document_type)
    if abbreviation is None:
        tail = f"{issuer_symbol}-{unit_symbol}" if unit_symbol else issuer_symbol
    else:
        tail = f"{abbreviation}-{issuer_symbol}"
    head = f"{number:02d}/{year}" if is_legal else f"{number:02d}"
    return number_symbol_parse(f"{head}/{tail}", document_type=document_type).text
