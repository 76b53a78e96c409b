"""The one helper that serves users' files: download by default, sandboxed."""

import io

from backoffice.core.personal_data import file_response


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_file_is_an_attachment_with_the_safety_headers() -> None:
    response = file_response(
        content=b"\x89PNG\r\n\x1a\n...", filename="ảnh.png", content_type="image/png"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E1%BA%A3nh.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "image/png"
    assert _body(response) == b"\x89PNG\r\n\x1a\n..."


def test_only_a_pdf_may_be_shown_inline() -> None:
    pdf = file_response(
        content=io.BytesIO(b"%PDF-1.7 ..."),
        filename="to-khai.pdf",
        content_type="application/pdf",
        inline=True,
    )
    assert pdf["Content-Disposition"].startswith("inline;")
    assert pdf["Content-Security-Policy"] == "sandbox"
    html = file_response(
        content=b"<script>alert(1)</script>",
        filename="to-khai.html",
        content_type="text/html",
        inline=True,
    )
    assert html["Content-Disposition"].startswith("attachment;")
    assert html["Content-Security-Policy"] == "sandbox"
    assert html["X-Content-Type-Options"] == "nosniff"


def test_cache_policy_can_be_chosen() -> None:
    response = file_response(
        content=b"x",
        filename="trang-1.jpg",
        content_type="image/jpeg",
        cache_control="private, max-age=300",
    )
    assert response["Cache-Control"] == "private, max-age=300"
