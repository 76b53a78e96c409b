"""Clerks registering at the same moment (PostgreSQL row locks, as in production).

SQLite serialises every writer, so these run on PostgreSQL (DATABASE_URL), as the
lead's and CI's runs do; see tests/backoffice/core/test_numbering.py.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.core.exceptions import ValidationError
from django.db import connection

import pytest

from backoffice.incoming.models import IncomingDocument
from backoffice.incoming.services import (
    incoming_check,
    incoming_receive,
    incoming_register,
)
from backoffice.incoming.types import ReceivedFile
from tests.fixtures.databases import postgresql_only

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgresql_only,
]


def _received(desk, pdfs, count: int) -> list[IncomingDocument]:
    documents = []
    for _ in range(count):
        document = incoming_receive(
            agency=desk["agency"],
            main=ReceivedFile("cv.pdf", pdfs["signed"]),
            via="upload",
        )
        incoming_check(document_id=document.pk)
        documents.append(IncomingDocument.objects.get(pk=document.pk))
    return documents


def test_concurrent_registrations_get_distinct_consecutive_numbers(desk, pdfs) -> None:
    documents = _received(desk, pdfs, 24)
    start = threading.Barrier(12)

    def register(index: int) -> int | None:
        try:
            if index < 12:  # the first wave starts together
                start.wait(timeout=30)
            actor = desk["clerk"] if index % 2 else None
            return incoming_register(
                document=documents[index], actor=actor
            ).incoming_number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=12) as pool:
        numbers = sorted(pool.map(register, range(len(documents))))
    assert numbers == list(range(1, 25))


def test_two_clerks_registering_the_same_document_take_one_number(
    desk, pdfs, make_staff
) -> None:
    from backoffice.core.constants import Role

    second_clerk = make_staff("vanthu2", agency=desk["agency"], role=Role.CLERK)
    (document,) = _received(desk, pdfs, 1)
    start = threading.Barrier(2)

    def register(user) -> str:
        try:
            start.wait(timeout=30)
            incoming_register(document=document, actor=user)
            return "registered"
        except ValidationError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(register, [desk["clerk"], second_clerk]))
    assert outcomes == ["refused", "registered"]
    document.refresh_from_db()
    assert document.incoming_number == 1
    follow = _received(desk, pdfs, 1)[0]
    assert incoming_register(document=follow, actor=None).incoming_number == 2
