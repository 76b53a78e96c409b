"""`User.second_factor_enrolled` follows the user's confirmed TOTP devices, whatever
path creates or removes them, so the per-request check needs no query."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.accounts.models import User
from backoffice.accounts.services import user_has_confirmed_totp


@pytest.mark.django_db
def test_the_flag_follows_confirmed_devices():
    user = User.objects.create_user(username="a@example.vn", password="x" * 12)
    pending = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    assert not User.objects.get(pk=user.pk).second_factor_enrolled
    pending.confirmed = True
    pending.save()
    assert User.objects.get(pk=user.pk).second_factor_enrolled
    assert user_has_confirmed_totp(user=pending.user)
    pending.delete()
    assert not User.objects.get(pk=user.pk).second_factor_enrolled


@pytest.mark.django_db
def test_queryset_deletes_clear_it_too():
    user = User.objects.create_user(username="b@example.vn", password="x" * 12)
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    TOTPDevice.objects.filter(user=user).delete()
    assert not User.objects.get(pk=user.pk).second_factor_enrolled


@pytest.mark.django_db
def test_the_check_reads_no_table(make_staff, agency_tree):
    user = User.objects.get(pk=make_staff("c", agency=agency_tree["ward"]).pk)
    with CaptureQueriesContext(connection) as queries:
        assert user_has_confirmed_totp(user=user)
    assert len(queries) == 0
