"""The records models build their repeated links with one factory each
(agency, acting staff member, filed thing) and keep the schema they had."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models

import pytest

from backoffice.core.models import Agency
from backoffice.records.models import (
    ArchivePackage,
    CatalogueEntry,
    EFile,
    EFileItem,
    FreeDocument,
    RetentionPeriod,
    _agency_field,
    _filed_link,
    _staff_field,
)

RESPONSIBLE = "người lập hồ sơ"

EXPECTED = [
    (
        RetentionPeriod,
        "agency",
        lambda: _agency_field(related_name="retention_periods"),
    ),
    (CatalogueEntry, "agency", lambda: _agency_field(related_name="catalogue_entries")),
    (EFile, "agency", lambda: _agency_field(related_name="+")),
    (FreeDocument, "agency", lambda: _agency_field(related_name="+", labelled=False)),
    (
        CatalogueEntry,
        "responsible_person",
        lambda: _staff_field(verbose_name=RESPONSIBLE),
    ),
    (
        EFile,
        "responsible",
        lambda: _staff_field(verbose_name=RESPONSIBLE, optional=False),
    ),
    (EFile, "opened_by", _staff_field),
    (EFile, "closed_by", _staff_field),
    (FreeDocument, "uploaded_by", _staff_field),
    (EFileItem, "filed_by", _staff_field),
    (ArchivePackage, "requested_by", _staff_field),
    (EFileItem, "incoming", lambda: _filed_link("incoming.IncomingDocument")),
    (EFileItem, "outgoing", lambda: _filed_link("outgoing.OutgoingDocument")),
    (EFileItem, "dossier", lambda: _filed_link("dossiers.Dossier")),
    (EFileItem, "free", lambda: _filed_link("records.FreeDocument")),
]


def _options(field: models.Field) -> dict[str, object]:
    _name, path, _args, kwargs = field.deconstruct()
    kwargs = dict(kwargs)
    kwargs["to"] = str(kwargs["to"]).lower()
    if "verbose_name" in kwargs:
        kwargs["verbose_name"] = str(kwargs["verbose_name"])
    return {"path": path, **kwargs}


@pytest.mark.parametrize(
    ("model", "name", "factory"),
    EXPECTED,
    ids=[f"{model.__name__}.{name}" for model, name, _ in EXPECTED],
)
def test_each_repeated_link_is_built_by_its_factory(model, name, factory) -> None:
    field = model._meta.get_field(name)
    assert _options(field) == _options(factory())


def test_every_staff_and_agency_link_of_the_app_comes_from_a_factory() -> None:
    user_model, covered = get_user_model(), {(m, n) for m, n, _ in EXPECTED}
    for model in (RetentionPeriod, CatalogueEntry, EFile, FreeDocument, EFileItem):
        for field in model._meta.local_fields:
            if field.is_relation and field.related_model in (user_model, Agency):
                assert (model, field.name) in covered, f"{model.__name__}.{field.name}"


def test_staff_links_protect_users_and_add_no_reverse_accessor() -> None:
    required, optional = _staff_field(optional=False), _staff_field()
    assert (required.null, required.blank) == (False, False)
    assert (optional.null, optional.blank) == (True, True)
    for field in (required, optional):
        assert field.remote_field.on_delete is models.PROTECT
        assert field.remote_field.related_name == "+"
    assert _agency_field(related_name="x", labelled=False).verbose_name is None
    assert str(_agency_field(related_name="x").verbose_name) == "cơ quan"


@pytest.mark.django_db
def test_the_shared_fields_change_no_schema() -> None:
    out = io.StringIO()
    call_command("makemigrations", "records", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()
