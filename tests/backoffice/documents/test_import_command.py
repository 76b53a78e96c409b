"""`manage.py import_documents PATH [--json]` (DESIGN.md §5)."""

import io
import json

from django.core.management import CommandError, call_command

import pytest

from backoffice.documents.models import OfficialDocument
from tests.fixtures.documents import SECOND, row, write_csv

# No trust root or signing file leaks in from the environment.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_trust_settings")]


def command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_documents", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_output_is_exactly_the_contract(library, library_index, tmp_path):
    folder = write_csv(tmp_path / "in", [row(), row(**SECOND), row(files="x.pdf")])
    out, err = command(str(folder), "--json")
    data = json.loads(out)
    assert data["imported"] == 2 and data["unchanged"] == 0
    assert data["rejected"] == [
        {
            "row": 4,
            "reason": "Trùng số, ký hiệu 30/2020/NĐ-CP của Chính phủ với dòng 2.",
        }
    ]
    assert "3/3 văn bản" in err  # the progress bar went to stderr
    again = json.loads(command(str(folder), "--json")[0])
    assert again["imported"] == 0 and again["unchanged"] == 2
    assert OfficialDocument.objects.count() == 2


def test_readable_summary_lists_rejected_rows(library, library_index, tmp_path):
    folder = write_csv(tmp_path / "in", [row(), row(type="Sắc lệnh", files="b.pdf")])
    out, _err = command(str(folder))
    assert "Đã nhập 1 văn bản mới" in out and "từ chối 1" in out
    assert "dòng 3: Loại văn bản “Sắc lệnh”" in out


def test_a_missing_folder_is_a_command_error(library, library_index, tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy thư mục"):
        command(str(tmp_path / "nowhere"))
