import pytest

from backoffice.core.constants import Permission, Role
from backoffice.core.models import Agency, CalendarDay
from backoffice.core.selectors import (
    agencies_visible_to,
    scope_to_user,
    user_permissions,
)

pytestmark = pytest.mark.django_db


def test_specialist_sees_only_their_agency(agency_tree, make_staff) -> None:
    user = make_staff("cv", agency=agency_tree["ict"], role=Role.SPECIALIST)
    assert set(agencies_visible_to(user=user)) == {agency_tree["ict"]}


def test_leader_sees_the_subtree(agency_tree, make_staff) -> None:
    user = make_staff("ld", agency=agency_tree["city"], role=Role.LEADER)
    assert set(agencies_visible_to(user=user)) == {
        agency_tree["city"],
        agency_tree["ward"],
    }
    assert Permission.APPROVE in user_permissions(user=user, agency=agency_tree["ward"])
    assert user_permissions(user=user, agency=agency_tree["ict"]) == frozenset()


def test_permission_filter(agency_tree, make_staff) -> None:
    user = make_staff("tn", agency=agency_tree["ict"], role=Role.RECEPTION)
    assert list(
        agencies_visible_to(user=user, permission=Permission.RECEIVE_DOSSIERS)
    ) == [agency_tree["ict"]]
    assert not agencies_visible_to(user=user, permission=Permission.APPROVE).exists()


def test_scope_to_user_filters_any_queryset(agency_tree, make_staff) -> None:
    import datetime as dt

    CalendarDay.objects.create(
        date=dt.date(2027, 1, 4), kind="day_off", name="a", agency=agency_tree["ict"]
    )
    CalendarDay.objects.create(
        date=dt.date(2027, 1, 5),
        kind="day_off",
        name="b",
        agency=agency_tree["justice"],
    )
    user = make_staff("cv", agency=agency_tree["ict"])
    names = scope_to_user(CalendarDay.objects.all(), user=user).values_list(
        "name", flat=True
    )
    assert list(names) == ["a"]


def test_anonymous_and_superuser(agency_tree, django_user_model) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not agencies_visible_to(user=AnonymousUser()).exists()
    root = django_user_model.objects.create_superuser("root", "r@example.vn", "x")
    assert agencies_visible_to(user=root).count() == Agency.objects.count()
