"""Permission-scoped reads. Every view that lists agency records goes through here."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from .constants import Permission
from .models import Agency, Membership


def agency_descendant_ids(*, root_ids: set[int]) -> set[int]:
    """Ids of the given agencies and every agency below them."""
    found, frontier = set(root_ids), set(root_ids)
    while frontier:
        frontier = set(
            Agency.objects.filter(parent_id__in=frontier)
            .exclude(id__in=found)
            .values_list("id", flat=True)
        )
        found |= frontier
    return found


def user_memberships(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("agency")


def user_permissions(*, user: AbstractBaseUser, agency: Agency) -> frozenset[str]:
    """What the user may do in this agency (roles held there or above with subtree)."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset(Permission.values)
    chain = {agency.pk, *(a.pk for a in agency.ancestors())}
    granted: set[str] = set()
    for membership in user_memberships(user=user).filter(agency_id__in=chain):
        if membership.agency_id == agency.pk or (
            Permission.VIEW_SUBTREE in membership.permissions
        ):
            granted |= membership.permissions
    return frozenset(granted)


def agencies_visible_to(
    *, user: AbstractBaseUser, permission: str | None = None
) -> QuerySet[Agency]:
    """The agencies whose records the user may see (optionally: holding a permission).

    A superuser sees everything; otherwise the agencies of the user's memberships,
    and the whole subtree below those where a role grants VIEW_SUBTREE.
    """
    if not user.is_authenticated:
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    direct: set[int] = set()
    subtree_roots: set[int] = set()
    for membership in user_memberships(user=user):
        if permission and permission not in membership.permissions:
            continue
        direct.add(membership.agency_id)
        if Permission.VIEW_SUBTREE in membership.permissions:
            subtree_roots.add(membership.agency_id)
    ids = direct | agency_descendant_ids(root_ids=subtree_roots)
    return Agency.objects.filter(id__in=ids)


def scope_to_user(
    queryset: QuerySet,
    *,
    user: AbstractBaseUser,
    agency_field: str = "agency",
    permission: str | None = None,
) -> QuerySet:
    """Restrict any queryset with an agency foreign key to what the user may see."""
    visible = agencies_visible_to(user=user, permission=permission)
    return queryset.filter(**{f"{agency_field}__in": visible})
