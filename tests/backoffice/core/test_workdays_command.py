import json
from io import StringIO

from django.core.management import CommandError, call_command

import pytest

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().strip()


def test_due_prints_iso_with_vietnam_offset() -> None:
    assert run("due", "--start", "2027-02-03T09:00:00+07:00", "--days", "3") == (
        "2027-02-15T09:00:00+07:00"
    )


def test_due_json() -> None:
    output = run("due", "--start", "2026-12-04T17:30", "--days", "1", "--json")
    assert json.loads(output) == {"due": "2026-12-08T07:00:00+07:00"}


def test_due_for_an_agency(agency_tree) -> None:
    output = run(
        "due",
        "--start",
        "2026-12-01T09:00+07:00",
        "--days",
        "1",
        "--agency",
        "000.01.31.H53",
    )
    assert output == "2026-12-02T09:00:00+07:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "yesterday", "--days", "1"], "ISO 8601"),
        (["--start", "2026-12-01T09:00", "--days", "two"], "số nguyên"),
        (["--start", "2026-12-01T09:00", "--days", "-1"], "lớn hơn hoặc bằng 0"),
        (
            ["--start", "2026-12-01T09:00", "--days", "1", "--agency", "000.99.99.H99"],
            "Không tìm thấy cơ quan",
        ),
    ],
)
def test_bad_input_gets_a_clear_message(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("due", *args)
