"""The legal basis of a procedure (căn cứ pháp lý), split into documents and
linked to the public library where a document is published.

procedures sits below documents and the portal (DESIGN.md §2) and so cannot read
the library itself: whoever publishes documents provides a resolver, named by
the setting ``PROCEDURE_LEGAL_BASIS_RESOLVER`` (a dotted path, like
``EMAIL_BACKEND``). The resolver takes number-symbols as written and returns the
public URL of each one it knows; an empty setting links nothing.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

# "Luật Hộ tịch số 60/2014/QH13", "Nghị định số 123/2015/NĐ-CP", "15/QĐ-UBND".
_NUMBER_SYMBOL = re.compile(r"(?<![\w/])\d{1,5}(?:/\d{4})?/[^\W_]+(?:[&-][^\W_]+)*")
_SEPARATORS = re.compile(r"[;\n]+")

Resolver = Callable[[list[str]], dict[str, str]]


@dataclass(frozen=True)
class LegalReference:
    """One document of the legal basis: its text, number-symbol and public URL."""

    text: str
    number_symbol: str = ""
    url: str = ""


def legal_basis_split(text: str) -> list[LegalReference]:
    """Split a legal-basis text into one reference per line or `;` item."""
    items = []
    for part in _SEPARATORS.split(text or ""):
        part = part.strip().strip(".").strip()
        if not part:
            continue
        match = _NUMBER_SYMBOL.search(part)
        items.append(LegalReference(text=part, number_symbol=match[0] if match else ""))
    return items


@cache
def _resolver(path: str) -> Resolver | None:
    return import_string(path) if path else None


def legal_references_resolve(text: str) -> list[LegalReference]:
    """The references of `text`, each with the URL of its published document."""
    return legal_references_resolve_many([text])[0]


def legal_references_resolve_many(texts: list[str]) -> list[list[LegalReference]]:
    """`legal_references_resolve` for several texts with one resolver call."""
    split = [legal_basis_split(text) for text in texts]
    resolver = _resolver(getattr(settings, "PROCEDURE_LEGAL_BASIS_RESOLVER", ""))
    symbols = sorted({i.number_symbol for items in split for i in items} - {""})
    urls = resolver(symbols) if resolver and symbols else {}
    return [
        [
            LegalReference(i.text, i.number_symbol, urls.get(i.number_symbol, ""))
            for i in items
        ]
        for items in split
    ]
