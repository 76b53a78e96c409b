"""Archive packages for download are built by the worker, once per request, and
only for closed files."""

import zipfile

from django.core.exceptions import PermissionDenied

import pytest

from backoffice.records.constants import ItemKind, PackageStatus
from backoffice.records.packages import archive_package_build, archive_package_request
from backoffice.records.services import (
    RecordsRejected,
    efile_close,
    efile_file,
    efile_open,
)
from backoffice.records.verify import archive_verify
from tests.fixtures.records import make_incoming

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(desk):
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    efile_file(
        actor=desk.clerk,
        efile=efile,
        kind=ItemKind.INCOMING,
        target=make_incoming(desk.agency, 61),
    )
    return efile_close(actor=desk.clerk, efile=efile)


def test_request_is_refused_for_open_files_and_other_agencies(desk) -> None:
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    with pytest.raises(RecordsRejected, match="đang mở"):
        archive_package_request(actor=desk.clerk, efile=efile)
    with pytest.raises(PermissionDenied):
        archive_package_request(actor=desk.outsider, efile=efile)
    assert not efile.packages.exists()


def test_one_pending_package_per_file_then_built_once(desk, closed) -> None:
    first = archive_package_request(actor=desk.clerk, efile=closed)
    assert archive_package_request(actor=desk.leader, efile=closed) == first
    assert first.status == PackageStatus.QUEUED
    assert archive_package_build(package_id=first.pk) == "ready"
    assert archive_package_build(package_id=first.pk) == "skipped"
    first.refresh_from_db()
    assert first.status == PackageStatus.READY and first.entries > 0
    with zipfile.ZipFile(first.file.path):
        pass
    assert archive_verify(first.file.path)["valid"] is True
    # A new request once the last one is ready makes a new package.
    assert archive_package_request(actor=desk.clerk, efile=closed) != first


def test_task_runs_on_commit(
    desk, closed, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        package = archive_package_request(actor=desk.clerk, efile=closed)
    package.refresh_from_db()
    assert package.status == PackageStatus.READY
