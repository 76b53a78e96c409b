"""Splitting the page sequence by QR sheets (no images: page contexts by hand)."""

from pathlib import Path

from backoffice.scanning.pipeline.base import PageContext
from backoffice.scanning.pipeline.sources import PageRef
from backoffice.scanning.pipeline.split import split_pages
from backoffice.scanning.sheets import COVER, SEPARATOR, SheetPayload


def _pages(*kinds):
    pages = []
    for index, kind in enumerate(kinds):
        page = PageContext(
            index=index,
            ref=PageRef(Path("x.pdf"), "pdf", index),
            dpi=200,
            ocr=False,
            outdir=Path("/nonexistent"),
        )
        if kind == "blank":
            page.blank = True
        elif kind == "bad-qr":
            page.sheet_unreadable = True
        elif kind.startswith("cover:"):
            page.sheet = SheetPayload(COVER, kind.split(":")[1], "1.000656")
        elif kind.startswith("sep:"):
            _, code, position = kind.split(":")
            page.sheet = SheetPayload(
                SEPARATOR, code, "1.000656", int(position), f"TP {position}"
            )
        pages.append(page)
    return pages


def _shape(plan):
    return [
        (d.code, [(c.position, c.pages) for c in d.components.values()])
        for d in plan.dossiers
    ]


def test_several_dossiers_each_with_components():
    plan = split_pages(
        _pages(
            "cover:A", "sep:A:1", "p", "p", "sep:A:2", "p", "cover:B", "sep:B:1", "p"
        )
    )
    assert _shape(plan) == [("A", [(1, [2, 3]), (2, [5])]), ("B", [(1, [8])])]
    assert plan.unmatched_pages == []
    assert plan.sheet_pages == [0, 1, 4, 6, 7]


def test_pages_before_first_cover_and_between_cover_and_separator_are_unmatched():
    plan = split_pages(_pages("p", "cover:A", "p", "sep:A:1", "p"))
    assert plan.unmatched_pages == [0, 2]
    assert _shape(plan) == [("A", [(1, [4])])]


def test_blank_pages_are_left_out_and_change_nothing():
    plan = split_pages(
        _pages("cover:A", "blank", "sep:A:1", "blank", "p", "blank", "p")
    )
    assert plan.blank_pages == [1, 3, 5]
    assert _shape(plan) == [("A", [(1, [4, 6])])]


def test_pages_after_an_unreadable_sheet_are_unmatched_until_the_next_sheet():
    plan = split_pages(_pages("cover:A", "sep:A:1", "p", "bad-qr", "p", "sep:A:3", "p"))
    assert plan.unmatched_pages == [3, 4]
    assert _shape(plan) == [("A", [(1, [2]), (3, [6])])]


def test_a_separator_whose_cover_was_lost_still_opens_its_dossier():
    plan = split_pages(_pages("sep:A:2", "p"))
    assert _shape(plan) == [("A", [(2, [1])])]
    assert plan.dossiers[0].procedure_code == "1.000656"


def test_a_repeated_separator_continues_the_same_component():
    plan = split_pages(
        _pages("cover:A", "sep:A:1", "p", "sep:A:2", "p", "sep:A:1", "p")
    )
    assert _shape(plan) == [("A", [(1, [2, 6]), (2, [4])])]
