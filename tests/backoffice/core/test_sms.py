"""The SMS channel: backends chosen by SMS_BACKEND, mobile numbers, ASCII folding."""

import io
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured, ValidationError

import pytest

from backoffice.core.sms import (
    ConsoleSmsBackend,
    FileSmsBackend,
    SmsDeliveryError,
    SmsMessage,
    get_sms_backend,
    mobile_number,
    send_sms,
    sms_text,
)


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("0912345678", "+84912345678"),
        ("091 234 5678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("+84 912-345-678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("0369999999", "+84369999999"),
        ("0587000111", "+84587000111"),
        ("(079) 123 4567", "+84791234567"),
    ],
)
def test_vietnamese_mobile_numbers_are_normalised(raw: str, number: str) -> None:
    assert mobile_number(raw) == number


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "02993822222",  # a landline (Sóc Trăng)
        "091234567",  # one digit short
        "09123456789",  # one digit too many
        "0112345678",  # no such mobile prefix
        "+1 912 345 678",
        "09123abc78",
        "không có",
    ],
)
def test_anything_else_is_not_a_mobile_number(raw: str) -> None:
    assert mobile_number(raw) is None


def test_console_backend_writes_each_message_to_its_stream() -> None:
    stream = io.StringIO()
    backend = ConsoleSmsBackend(stream=stream)
    sent = backend.send_messages(
        [
            SmsMessage(to="+84912345678", body="Mot"),
            SmsMessage(to="+84987654321", body="Hai"),
        ]
    )
    assert sent == 2
    out = stream.getvalue()
    assert "SMS to +84912345678\nMot\n" in out
    assert "SMS to +84987654321\nHai\n" in out


def test_file_backend_writes_one_file_per_message(tmp_path: Path) -> None:
    backend = FileSmsBackend(file_path=tmp_path / "sms")
    sent = backend.send_messages(
        [SmsMessage(to="+84912345678", body=f"Tin {n}") for n in range(3)]
    )
    assert sent == 3
    files = sorted((tmp_path / "sms").iterdir())
    assert len(files) == 3
    bodies = sorted(f.read_text(encoding="utf-8") for f in files)
    assert all(b.startswith("SMS to +84912345678\n") for b in bodies)
    assert [b.splitlines()[1] for b in bodies] == ["Tin 0", "Tin 1", "Tin 2"]


def test_file_backend_reports_a_folder_it_cannot_write(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ImproperlyConfigured):
        FileSmsBackend(file_path=blocker)
    backend = FileSmsBackend(file_path=tmp_path / "sms")
    backend.file_path = blocker / "sub"  # its parent is a file: mkdir fails
    with pytest.raises(SmsDeliveryError):
        backend.send_messages([SmsMessage(to="+84912345678", body="x")])
    quiet = FileSmsBackend(file_path=tmp_path / "sms", fail_silently=True)
    quiet.file_path = blocker / "sub"
    assert quiet.send_messages([SmsMessage(to="+84912345678", body="x")]) == 0


def test_the_backend_is_chosen_by_the_setting(settings, tmp_path: Path) -> None:
    settings.SMS_BACKEND = "backoffice.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "outbox"
    backend = get_sms_backend()
    assert isinstance(backend, FileSmsBackend)
    assert backend.file_path == tmp_path / "outbox"
    assert send_sms(to="0912 345 678", body="Xin chào") == 1
    [written] = (tmp_path / "outbox").iterdir()
    assert written.read_text(encoding="utf-8").startswith("SMS to +84912345678\n")

    settings.SMS_BACKEND = "backoffice.core.sms.ConsoleSmsBackend"
    assert isinstance(get_sms_backend(), ConsoleSmsBackend)
    settings.SMS_BACKEND = "backoffice.core.sms.NoSuchBackend"
    with pytest.raises(ImproperlyConfigured, match="NoSuchBackend"):
        get_sms_backend()


def test_the_default_is_the_console(capsys) -> None:
    assert send_sms(to="0912345678", body="Hồ sơ đã có kết quả") == 1
    assert "SMS to +84912345678\nHo so da co ket qua\n" in capsys.readouterr().out


def test_text_is_folded_to_ascii_unless_turned_off(settings) -> None:
    body = "Một Cửa: hồ sơ ĐÃ CÓ KẾT QUẢ — đề nghị nhận tại Bộ phận “Một cửa”."
    folded = sms_text(body)
    assert folded == (
        'Mot Cua: ho so DA CO KET QUA - de nghi nhan tai Bo phan "Mot cua".'
    )
    assert folded.isascii()
    settings.SMS_ASCII = False
    assert sms_text(body) == body


def test_a_bad_number_or_empty_text_is_refused_and_nothing_is_sent(
    settings, tmp_path: Path
) -> None:
    settings.SMS_BACKEND = "backoffice.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    with pytest.raises(ValidationError, match="không phải số điện thoại di động"):
        send_sms(to="02993822222", body="Xin chào")
    with pytest.raises(ValidationError, match="Tin nhắn không có nội dung"):
        send_sms(to="0912345678", body="   \n ")
    assert not (tmp_path / "sms").exists()
