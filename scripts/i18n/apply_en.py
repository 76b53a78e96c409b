"""Fill the English catalogue's empty entries from en_translations.py.

Usage: .venv/bin/python scripts/i18n/apply_en.py   (after scripts/makemessages)
Prints the source strings still without a translation.
"""

import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from en_translations import EN, PLURALS

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def main() -> int:
    po = polib.pofile(str(PO))
    po.metadata["Language"] = "en"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.metadata["Project-Id-Version"] = "motcua"
    po.metadata["Language-Team"] = "Một Cửa <motcua@localhost>"
    po.metadata["Last-Translator"] = "Một Cửa <motcua@localhost>"
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            # makemessages' guess from a similar string is usually wrong: drop it,
            # so the string is either in the tables or reported as untranslated.
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
        if entry.msgid_plural:
            if entry.msgid in PLURALS:
                one, many = PLURALS[entry.msgid]
                entry.msgstr_plural = {0: one, 1: many}
            elif not any(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        elif entry.msgid in EN:
            entry.msgstr = EN[entry.msgid]
        elif not entry.msgstr:
            missing.append(entry.msgid)
    po.save()
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
