"""`manage.py verify_pdf`: output contract and exit codes (0 valid, 1 not, 2 unreadable)."""

import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command

import pytest

from tests.fixtures.signatures import flip

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of one verify_pdf run."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_pdf", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def write(tmp_path: Path):
    def write(data: bytes, name: str = "van-ban.pdf") -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def test_valid_with_the_root_in_the_trust_store(signed_pdf, trust_root, write) -> None:
    code, out, err = run(write(signed_pdf), "--json")

    assert code == 0
    result = json.loads(out)  # exactly one JSON object, nothing else
    assert result["verdict"] == "valid"
    [signature] = result["signatures"]
    assert signature["field"] == "Signature1"
    assert signature["trusted"] is True
    assert signature["intact"] is True


def test_valid_with_a_trust_root_file(signed_pdf, root_pem_file, write) -> None:
    code, out, _err = run(
        write(signed_pdf), "--json", "--trust-root", str(root_pem_file)
    )
    assert code == 0
    assert json.loads(out)["verdict"] == "valid"


def test_untrusted_without_the_root_exits_1(signed_pdf, write) -> None:
    code, out, _err = run(write(signed_pdf), "--json")
    assert code == 1
    assert json.loads(out)["verdict"] == "untrusted"


def test_changed_byte_is_invalid_and_exits_1(
    plain_pdf, signed_pdf, root_pem_file, write
) -> None:
    tampered = flip(signed_pdf, plain_pdf.index(b"stream") + 12)
    code, out, _err = run(write(tampered), "--json", "--trust-root", str(root_pem_file))

    assert code == 1
    result = json.loads(out)
    assert result["verdict"] == "invalid"
    assert result["signatures"][0]["intact"] is False
    assert result["signatures"][0]["reason"] == "Tài liệu đã bị thay đổi sau khi ký"


def test_unsigned_exits_1(plain_pdf, write) -> None:
    code, out, _err = run(write(plain_pdf), "--json")
    assert code == 1
    assert json.loads(out) == {"verdict": "unsigned", "signatures": []}


def test_readable_summary_by_default(signed_pdf, trust_root, write) -> None:
    code, out, _err = run(write(signed_pdf))
    assert code == 0
    assert "Kết luận: Hợp lệ (valid)" in out
    assert "Sở Thông tin và Truyền thông tỉnh Sóc Trăng" in out
    assert "Nguyên vẹn: có" in out


def test_garbage_exits_2_with_a_message(write) -> None:
    code, out, err = run(write(b"this is not a PDF" * 20, "rac.pdf"), "--json")
    assert code == 2
    assert out == ""
    assert "rac.pdf" in err
    assert "Không đọc được tệp PDF" in err


def test_missing_file_exits_2(tmp_path) -> None:
    code, out, err = run(str(tmp_path / "khong-co.pdf"), "--json")
    assert code == 2
    assert out == ""
    assert "Không tìm thấy tệp" in err


def test_missing_trust_root_file_exits_2(signed_pdf, tmp_path, write) -> None:
    code, _out, err = run(
        write(signed_pdf), "--trust-root", str(tmp_path / "khong-co.pem")
    )
    assert code == 2
    assert "chứng thư gốc" in err


def test_trust_root_that_is_not_a_certificate_exits_2(signed_pdf, write) -> None:
    code, _out, err = run(write(signed_pdf), "--trust-root", write(b"junk", "x.pem"))
    assert code == 2
    assert "--trust-root" in err
