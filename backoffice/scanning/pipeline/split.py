"""Split the page sequence into dossiers and components by the QR sheets.

Rules, in page order (blank pages are skipped and change nothing):
- a cover sheet opens its dossier; pages after it and before a separator belong to
  no component;
- a separator opens component `position` of its dossier (opening the dossier too if
  its cover was lost: the separator carries both codes);
- a page whose QR code was seen but not decoded may be a lost sheet: the pages
  after it cannot be placed safely, so they wait for a readable sheet;
- an all-black page, or a camera photo with no page in it, is never placed;
- a page that is not placed goes to the unmatched list for the review queue.
"""

from dataclasses import dataclass, field

from backoffice.scanning.sheets import COVER

from .base import PageContext


@dataclass
class ComponentPlan:
    position: int
    name: str
    pages: list[int] = field(default_factory=list)


@dataclass
class DossierPlan:
    code: str
    procedure_code: str
    components: dict[int, ComponentPlan] = field(default_factory=dict)


@dataclass
class SplitPlan:
    dossiers: list[DossierPlan]
    blank_pages: list[int]
    unmatched_pages: list[int]
    sheet_pages: list[int]


def split_pages(pages: list[PageContext]) -> SplitPlan:
    dossiers: dict[str, DossierPlan] = {}
    blank: list[int] = []
    unmatched: list[int] = []
    sheets: list[int] = []
    current: ComponentPlan | None = None
    for page in pages:
        if page.blank:
            blank.append(page.index)
            continue
        sheet = page.sheet
        if sheet is not None:
            sheets.append(page.index)
            dossier = dossiers.get(sheet.dossier_code)
            if dossier is None:
                dossier = dossiers[sheet.dossier_code] = DossierPlan(
                    sheet.dossier_code, sheet.procedure_code
                )
            if sheet.kind == COVER:
                current = None
            else:
                current = dossier.components.get(sheet.position)
                if current is None:
                    current = dossier.components[sheet.position] = ComponentPlan(
                        sheet.position, sheet.component_name
                    )
            continue
        if page.sheet_unreadable:
            current = None
            unmatched.append(page.index)
            continue
        if page.dark or page.no_page:
            # Nothing readable on it (all black, or a photo without a page): a
            # person decides; the pages after it still follow their sheet.
            unmatched.append(page.index)
            continue
        if current is None:
            unmatched.append(page.index)
        else:
            current.pages.append(page.index)
    return SplitPlan(list(dossiers.values()), blank, unmatched, sheets)
