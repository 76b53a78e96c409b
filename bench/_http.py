"""Small HTTP helpers for bench/load_portal.py: a keep-alive client with a cookie
jar, CSRF handling, multipart bodies and just enough HTML form parsing.

Plain http.client keeps the load generator cheap: it shares the two cores with
gunicorn and PostgreSQL, so every microsecond it spends is taken from the server.
"""

import http.client
import re
import secrets
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit


@dataclass
class Reply:
    status: int
    body: bytes
    location: str
    seconds: float


@dataclass
class Client:
    """One keep-alive connection and its cookies, used by one thread only.

    Every request says it came through a TLS-terminating proxy
    (X-Forwarded-Proto: https), as in a deployment, so the production settings
    (SSL redirect, secure cookies, strict CSRF Referer check) apply unchanged.
    """

    host: str
    port: int
    timeout: float = 30.0
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    @property
    def origin(self) -> str:
        return f"https://{self.host}:{self.port}"

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        referer: str | None = None,
    ) -> Reply:
        """Send one request; a dropped keep-alive connection raises (the caller
        counts it as an error) and is reopened on the next call."""
        all_headers = {"X-Forwarded-Proto": "https", "Accept-Language": "vi"}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(
                f"{k}={v}" for k, v in self.cookies.items()
            )
        if referer is not None:
            all_headers["Referer"] = self.origin + referer
        all_headers.update(headers or {})
        if self.conn is None:
            self.conn = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout
            )
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=all_headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        seconds = time.perf_counter() - started
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                self.cookies[key.strip()] = val.strip()
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        location = urlsplit(response.getheader("Location", "")).path
        return Reply(response.status, data, location, seconds)

    def post_form(
        self, path: str, fields: list[tuple[str, str]], referer: str
    ) -> Reply:
        body = urlencode(fields).encode()
        return self.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            referer=referer,
        )

    def post_multipart(
        self,
        path: str,
        fields: list[tuple[str, str]],
        files: list[tuple[str, str, str, bytes]],
        referer: str,
    ) -> Reply:
        """`files` are (field name, file name, content type, content)."""
        boundary = "----motcua-bench-" + secrets.token_hex(12)
        parts: list[bytes] = []
        for name, value in fields:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                f"\r\n\r\n{value}\r\n".encode()
            )
        for name, filename, content_type, content in files:
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            )
            parts.append(head.encode())
            parts.append(content)
            parts.append(b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            body=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            referer=referer,
        )


@dataclass
class Form:
    """The successful controls of a POST form, as a browser would send them (text
    and hidden inputs, checked boxes, selected options, textareas), plus every
    option of each select so the caller can choose one."""

    fields: list[tuple[str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)
    file_inputs: list[str] = field(default_factory=list)

    def names(self) -> set[str]:
        return {n for n, _ in self.fields} | set(self.options) | set(self.file_inputs)

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._selected: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = Form()
            self.forms.append(self._form)
        form = self._form
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.file_inputs.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._selected = name, None
            form.options[name] = []
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if "selected" in a:
                self._selected = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            if self._selected is not None:
                self._form.fields.append((self._select, self._selected))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None
        elif tag == "form":
            self._form = None


def parse_form(html: str, having: str) -> Form:
    """The POST form of the page that has a control named `having` (the page
    header also holds forms, e.g. sign-out and language)."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if having in form.names():
            return form
    raise LookupError(f"no POST form with a {having!r} control on the page")


COMPONENT_BLOCK = re.compile(
    r'id="component-(\d+)"(.*?)(?=id="component-\d+"|</fieldset>)', re.S
)


def required_components(html: str) -> list[int]:
    """Component ids whose block on the submission form carries the
    'bắt buộc' (required) badge."""
    return [
        int(m.group(1))
        for m in COMPONENT_BLOCK.finditer(html)
        if 'class="badge"' in m.group(2)
    ]
