"""`manage.py intake_scan` — synchronous run, JSON contract, readable summary."""

import json

from django.core.management import call_command

import pytest

from tests.support.synthetic import generate_batch


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return generate_batch(
        seed=8,
        workdir=tmp_path_factory.mktemp("gen"),
        dpi=150,
        dossiers=(2, 2),
        components=(1, 2),
        pages_per_component=(1, 1),
        blank_probability=0.3,
        stray_pages=1,
    )


@pytest.mark.django_db  # an empty database: the codes come from the sheets
def test_json_report_follows_the_contract(batch, capsys):
    call_command("intake_scan", str(batch.path), "--json", "--no-ocr", "--dpi", "200")
    out, err = capsys.readouterr()
    report = json.loads(out)
    truth = batch.truth
    assert [(d["code"], d["procedure_code"]) for d in report["dossiers"]] == [
        (d["code"], d["procedure_code"]) for d in truth.dossiers()
    ]
    assert [[c["pages"] for c in d["components"]] for d in report["dossiers"]] == [
        [c["pages"] for c in d["components"]] for d in truth.dossiers()
    ]
    assert all(c["component"] for d in report["dossiers"] for c in d["components"])
    assert report["blank_pages"] == len(truth.blank_pages)
    assert report["unmatched_pages"] == truth.unmatched_pages == [0]
    assert [p["index"] for p in report["pages"]] == list(range(len(truth.pages)))
    for page, expected in zip(report["pages"], truth.pages, strict=True):
        if expected.kind != "blank":
            assert page["rotation"] == expected.rotation
            assert abs(page["skew"] - expected.skew) < 0.3
    # Progress goes to stderr, never into the JSON.
    assert f"{len(truth.pages)}/{len(truth.pages)} trang" in err


def test_summary_is_readable(batch, capsys):
    call_command(
        "intake_scan", str(batch.path), "--no-ocr", "--dpi", "200", verbosity=0
    )
    out, err = capsys.readouterr()
    assert f"{len(batch.truth.pages)} trang, 2 hồ sơ." in out
    assert "Trang trắng đã bỏ:" in out and "Trang chưa khớp: 1 [0]" in out
    assert err == ""


@pytest.mark.parametrize(
    "content, message",
    [(b"%PDF-1.4 broken", "bị hỏng"), (b"hello", "không phải định dạng")],
)
def test_bad_file_exits_2_with_a_message(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        call_command("intake_scan", str(bad), "--json")
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert message in err and out == ""


def test_missing_file_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("intake_scan", str(tmp_path / "none.pdf"))
    assert exit_info.value.code == 2
    assert "Không tìm thấy tệp" in capsys.readouterr().err
