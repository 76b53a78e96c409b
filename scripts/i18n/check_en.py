"""Tidy the English catalogue after `makemessages` and list what it lacks.

The .po files in locale/ are the one store of translations: translate a string by
editing locale/en/LC_MESSAGES/django.po (any PO editor, or by hand), then run
`manage.py compilemessages`. This script (run by scripts/makemessages) sets the
catalogue's header, drops makemessages' fuzzy guesses (usually wrong for a similar
Vietnamese string) and prints every source string still without English.
Exit 1 when any is missing.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def untranslated(po: polib.POFile) -> list[str]:
    return [
        entry.msgid
        for entry in po
        if not entry.obsolete
        and not (
            any(entry.msgstr_plural.values()) if entry.msgid_plural else entry.msgstr
        )
    ]


def main() -> int:
    po = polib.pofile(str(PO))
    po.metadata.update(
        {
            "Language": "en",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
            "Project-Id-Version": "motcua",
            "Language-Team": "Một Cửa <motcua@localhost>",
            "Last-Translator": "Một Cửa <motcua@localhost>",
        }
    )
    for entry in po:
        if "fuzzy" in entry.flags and not entry.obsolete:
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
    po.save()
    missing = untranslated(po)
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
