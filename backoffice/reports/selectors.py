"""Who may read which report: leaders and administrators (roles holding
VIEW_SUBTREE) for their agencies and the units below; the whole province for those
who see every agency (a provincial leader or administrator, a superuser)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from backoffice.core.constants import Permission
from backoffice.core.models import Agency
from backoffice.core.selectors import agencies_visible_to

REPORT_PERMISSION = Permission.VIEW_SUBTREE


def report_agencies(*, user: AbstractBaseUser) -> QuerySet[Agency]:
    """Agencies whose report the user may open (empty: no report at all)."""
    return agencies_visible_to(user=user, permission=REPORT_PERMISSION).order_by("code")


def report_province_allowed(*, user: AbstractBaseUser) -> bool:
    """Whether the user may open the provincial report (every agency visible)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    visible = set(report_agencies(user=user).values_list("id", flat=True))
    return bool(visible) and visible >= set(Agency.objects.values_list("id", flat=True))


def report_agency_for(*, user: AbstractBaseUser, code: str) -> Agency | None:
    """The agency with this code if the user may see its report, else None (an
    unknown code and a hidden one get the same answer)."""
    return report_agencies(user=user).filter(code=code).first()
