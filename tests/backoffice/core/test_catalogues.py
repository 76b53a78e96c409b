"""The .po files are the one store of translations: the English catalogue has an
English text for every source string, with no machine guesses left in it."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[3] / "locale"


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def test_every_string_has_english_and_none_is_a_guess():
    po = catalogue("en")
    live = [entry for entry in po if not entry.obsolete]
    assert len(live) > 500
    assert [e.msgid for e in live if "fuzzy" in e.flags] == []
    missing = [
        e.msgid
        for e in live
        if not (any(e.msgstr_plural.values()) if e.msgid_plural else e.msgstr)
    ]
    assert missing == []


def test_both_catalogues_hold_the_same_source_strings():
    english = {e.msgid for e in catalogue("en") if not e.obsolete}
    vietnamese = {e.msgid for e in catalogue("vi") if not e.obsolete}
    assert english == vietnamese
