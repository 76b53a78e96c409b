"""The `report_build` command contract: JSON, PDF and XLSX; bad input exits 2 and
writes nothing."""

import io
import json

from django.core.management import CommandError, call_command

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report_build", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_on_stdout_for_the_province(report_dataset):
    report = json.loads(run("--period", "2026-H1", "--format", "json"))
    assert report["version"] == 1
    assert report["period"] == {
        "key": "2026-H1",
        "label": "6 tháng đầu năm 2026",
        "start": "2026-01-01T00:00:00+07:00",
        "end": "2026-07-01T00:00:00+07:00",
    }
    assert report["scope"]["agency"] is None
    assert report["scope"]["agencies"] == 5
    assert report["dossiers"]["total"] == 9
    assert report["incoming"]["total"] == 4
    assert report["outgoing"]["total"] == 2
    assert report["scans"]["pages_digitised"] == 2
    for key in ("on_time_by_agency", "on_time_by_procedure", "as_of"):
        assert key in report


def test_json_for_one_agency_alone_and_with_its_units(report_dataset, tmp_path):
    target = tmp_path / "r.json"
    run("--period", "2026", "--agency", "000.00.31.H53", "-o", str(target))
    report = json.loads(target.read_text(encoding="utf-8"))
    assert report["scope"]["agency"] == "000.00.31.H53"
    assert report["dossiers"]["total"] == 8  # the ward below the city, whole year
    alone = json.loads(
        run("--period", "2026", "--agency", "000.00.31.H53", "--no-subtree")
    )
    assert alone["dossiers"]["total"] == 0


def test_pdf_and_xlsx_files(report_dataset, tmp_path):
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    run("--period", "2026-H1", "--format", "pdf", "-o", str(pdf))
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Tổng số hồ sơ tiếp nhận" in text
    assert "Toàn tỉnh" in text
    run("--period", "2026-H1", "--format", "XLSX", "-o", str(xlsx))
    book = load_workbook(xlsx)
    incoming = {r[0]: r[1] for r in book["incoming"].iter_rows(values_only=True)}
    assert incoming["Tổng số văn bản đến"] == 4
    assert incoming["Thời gian báo nhận trung vị (giờ)"] == 6.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-H3"], "Kỳ báo cáo “2026-H3” không hợp lệ"),
        (["--period", "20x6"], "không hợp lệ"),
        (["--period", "2999"], "chưa bắt đầu"),
        (["--period", "2026", "--agency", "000.99.99.H53"], "Không có cơ quan"),
        (["--period", "2026", "--format", "csv"], "Định dạng “csv” không được hỗ trợ"),
        (["--period", "2026", "--format", "pdf"], "cần tệp đầu ra"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(report_dataset, tmp_path, args, message):
    target = tmp_path / "out.bin"
    extra = [] if "--format" in args and "pdf" in args else ["-o", str(target)]
    with pytest.raises(CommandError) as caught:
        run(*args, *extra)
    assert caught.value.returncode == 2
    assert message in str(caught.value)
    assert not target.exists()


def test_an_empty_period_gives_zeros(agency_tree):
    report = json.loads(run("--period", "2020"))
    assert report["dossiers"]["total"] == 0
    assert report["dossiers"]["on_time_rate"] == 0.0
    assert report["incoming"]["signed_share"] == 0.0
