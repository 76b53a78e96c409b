"""Build the project's Vietnamese catalogue of the Wagtail admin (locale_vendor/).

Wagtail's own vi catalogues translate only part of its strings, so the admin is
half English for Vietnamese staff. This script collects every message (plurals
and msgctxt included) of the English catalogues of the Wagtail apps in
INSTALLED_APPS, keeps Wagtail's own vi translations, lays the reviewed ones in
scripts/i18n/wagtail_vi_translations.json over them, and writes
locale_vendor/vi/LC_MESSAGES/{django,djangojs}.po. LOCALE_PATHS lists
locale_vendor after locale/, so the project's own strings win; scripts/install
compiles it like locale/.

    .venv/bin/python scripts/i18n/wagtail_vi.py           # write the catalogues
    .venv/bin/python scripts/i18n/wagtail_vi.py --check   # exit 1 when stale or
                                                          # a message lacks Vietnamese

Translations: a JSON object, msgid → Vietnamese (for a plural message, keyed by
its singular msgid, the one Vietnamese form; with a context, "msgctxt\\u0004msgid").
Every placeholder of the English (%(name)s, %s, {name}) must be kept.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = Path(__file__).with_name("wagtail_vi_translations.json")
OUTPUT = ROOT / "locale_vendor" / "vi" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
HEADER = {
    "Project-Id-Version": "motcua-wagtail-vi",
    "Language": "vi",
    "Language-Team": "Một Cửa <motcua@localhost>",
    "Last-Translator": "Một Cửa <motcua@localhost>",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}
_PLACEHOLDER = re.compile(
    r"%\((?P<named>[^)]+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]"
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifr]"
    r"|\{[A-Za-z_][A-Za-z0-9_]*\}|\{\}"
)


@dataclass
class Message:
    """One message of the installed Wagtail's English catalogues."""

    msgid: str
    msgctxt: str | None = None
    msgid_plural: str = ""
    flags: list[str] = field(default_factory=list)
    wagtail_vi: str = ""

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt else self.msgid


def placeholders(text: str) -> list[str]:
    """The format placeholders of a message, sorted (order may change)."""
    return sorted(m.group(0) for m in _PLACEHOLDER.finditer(text))


def wagtail_apps() -> list[Path]:
    """The folders of the Wagtail apps in INSTALLED_APPS that ship catalogues."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django
    from django.apps import apps

    django.setup()
    return [
        Path(config.path)
        for config in apps.get_app_configs()
        if config.name.split(".")[0] == "wagtail"
        and (Path(config.path) / "locale" / "en").is_dir()
    ]


def _entries(path: Path) -> Iterator[polib.POEntry]:
    if path.exists():
        yield from (e for e in polib.pofile(str(path)) if not e.obsolete)


def _vi_text(entry: polib.POEntry) -> str:
    if "fuzzy" in entry.flags:
        return ""
    if entry.msgid_plural:
        forms = [v for _k, v in sorted(entry.msgstr_plural.items()) if v]
        return forms[-1] if forms else ""
    return entry.msgstr


def collect(app_dirs: Iterable[Path], domain: str) -> list[Message]:
    """Every message of `domain` in the apps' en catalogues, first app first."""
    messages: dict[tuple[str | None, str], Message] = {}
    for app in app_dirs:
        locale = app / "locale"
        vi = {
            (e.msgctxt, e.msgid): _vi_text(e)
            for e in _entries(locale / "vi" / "LC_MESSAGES" / f"{domain}.po")
        }
        for entry in _entries(locale / "en" / "LC_MESSAGES" / f"{domain}.po"):
            key = (entry.msgctxt, entry.msgid)
            message = messages.get(key)
            if message is None:
                message = messages[key] = Message(
                    msgid=entry.msgid,
                    msgctxt=entry.msgctxt,
                    msgid_plural=entry.msgid_plural,
                    flags=[f for f in entry.flags if f.endswith("-format")],
                )
            message.wagtail_vi = message.wagtail_vi or vi.get(key, "")
    return list(messages.values())


def problems(message: Message, text: str) -> list[str]:
    """What is wrong with `text` as the Vietnamese of `message`."""
    if not text.strip():
        return [f"no Vietnamese for {message.key!r}"]
    source = message.msgid_plural or message.msgid
    wanted, got = placeholders(source), placeholders(text)
    if message.msgid_plural:
        # One Vietnamese form serves every count: the plural's placeholders,
        # and any the singular has on top.
        wanted = sorted(set(wanted) | set(placeholders(message.msgid)))
        got = sorted(set(got))
    if "python-format" not in message.flags and "python-brace-format" not in (
        message.flags
    ):
        wanted = [p for p in wanted if p.startswith("%(")]
        got = [p for p in got if p.startswith("%(")]
    if wanted != got:
        return [f"placeholders of {message.key!r}: English {wanted}, Vietnamese {got}"]
    return []


def build(messages: list[Message], ours: dict[str, str]) -> tuple[polib.POFile, list]:
    po = polib.POFile(wrapwidth=0)
    po.metadata = dict(HEADER)
    errors: list[str] = []
    for message in messages:
        text = ours.get(message.key) or message.wagtail_vi
        errors += problems(message, text)
        entry = polib.POEntry(
            msgid=message.msgid,
            msgctxt=message.msgctxt,
            flags=list(message.flags),
        )
        if message.msgid_plural:
            entry.msgid_plural = message.msgid_plural
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
        po.append(entry)
    return po, errors


def msgfmt_check(path: Path) -> str:
    """msgfmt's complaints (format strings included), or ""."""
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(  # noqa: S603 - fixed arguments
            ["msgfmt", "--check-format", "-o", f"{tmp}/out.mo", str(path)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
    return result.stderr if result.returncode else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a catalogue is stale or incomplete",
    )
    args = parser.parse_args(argv)
    ours: dict[str, str] = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    apps = wagtail_apps()
    status = 0
    known: set[str] = set()
    for domain in DOMAINS:
        messages = collect(apps, domain)
        known |= {m.key for m in messages}
        po, errors = build(messages, ours)
        target = OUTPUT / f"{domain}.po"
        for error in errors:
            print(f"{domain}: {error}", file=sys.stderr)
        status |= bool(errors)
        text = str(po) + "\n"
        if args.check:
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if current != text:
                print(f"{target.relative_to(ROOT)} is stale: run {__file__}")
                status = 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        complaint = msgfmt_check(target)
        if complaint:
            print(complaint, file=sys.stderr)
            status = 1
        done = sum(1 for m in messages if ours.get(m.key) or m.wagtail_vi)
        print(
            f"{target.relative_to(ROOT)}: {done}/{len(messages)} messages in "
            f"Vietnamese ({sum(1 for m in messages if m.key in ours)} from "
            f"{TRANSLATIONS.name})",
            file=sys.stderr,
        )
    unused = sorted(set(ours) - known)
    for key in unused:
        print(f"{TRANSLATIONS.name}: {key!r} is no message of Wagtail", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
