"""What the applicant sees of a dossier: its status badge, and whether the
appointment date, the reason and the office's form are shown."""

import dataclasses

from django.utils.translation import gettext_lazy as _

from backoffice.dossiers.constants import DossierStatus as S
from backoffice.dossiers.models import Dossier
from backoffice.dossiers.notifications import (
    outcome_form,
    outcome_reason,
    refusal_reason,
    shows_due_date,
)

# Four kinds of status a citizen tells apart at a glance: colour, icon and words.
CATEGORY = {
    S.SUPPLEMENT_REQUESTED: "action",
    S.AWAITING_FEE: "action",
    S.NEW: "progress",
    S.ACCEPTED: "progress",
    S.PROCESSING: "progress",
    S.DONE: "done",
    S.RESULT_RETURNED: "done",
    S.NOT_ACCEPTED: "ended",
    S.WITHDRAWN: "ended",
    S.STOPPED: "ended",
}
ICON = {"action": "!", "progress": "…", "done": "✓", "ended": "✕"}
HINT = {
    "action": _("Cần bạn thực hiện"),
    "progress": _("Đang giải quyết"),
    "done": _("Đã có kết quả"),
    "ended": _("Đã kết thúc, không có kết quả"),
}


@dataclasses.dataclass(frozen=True)
class Badge:
    category: str
    icon: str
    hint: str
    label: str


def status_badge(status: int) -> Badge:
    category = CATEGORY.get(status, "progress")
    return Badge(
        category=category,
        icon=ICON[category],
        hint=str(HINT[category]),
        label=str(S(status).label),
    )


def with_badges(dossiers: list[Dossier]) -> list[Dossier]:
    """Each dossier with `.badge` and `.show_due` for the list templates."""
    for dossier in dossiers:
        dossier.badge = status_badge(dossier.status)
        dossier.show_due = shows_due_date(dossier=dossier)
    return dossiers


def outcome_context(dossier: Dossier, *, public: bool = False) -> dict[str, object]:
    """Badge, appointment date shown or not, reason and form of an ended dossier.

    The public page gives only the office's reason (refused, stopped); the owner's
    page also shows their own withdrawal reason.
    """
    reason = (
        refusal_reason(dossier=dossier) if public else outcome_reason(dossier=dossier)
    )
    return {
        "badge": status_badge(dossier.status),
        "show_due": shows_due_date(dossier=dossier),
        "outcome_reason": reason or "",
        "outcome_form": outcome_form(dossier=dossier),
    }
