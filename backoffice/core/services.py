"""Writes of the core capability: audit records and agencies."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.contrib.auth.models import Permission as DjangoPermission
from django.db import connection, models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from .constants import Role
from .models import Agency, AuditLogEntry, Membership


def snapshot(obj: models.Model) -> dict[str, Any]:
    """A JSON-safe picture of a row's own fields, for before/after in the audit log."""
    data = model_to_dict(obj)
    return {
        key: value
        if isinstance(value, (str, int, float, bool, type(None)))
        else str(value)
        for key, value in data.items()
    }


# The PostgreSQL advisory lock that serialises writers of the audit chain.
AUDIT_CHAIN_LOCK_KEY = 0x4155444954  # "AUDIT"


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    agency: Agency | None = None,
    note: str = "",
) -> AuditLogEntry:
    """Append one entry to the audit log (who, when, what, object, before/after).

    The entry is chained to the last one by hash. Reading that last hash and
    inserting happen under one lock held until the transaction ends — on PostgreSQL
    a transaction-level advisory lock, on SQLite the write lock every transaction
    takes at BEGIN — so concurrent writers cannot fork the chain.
    """
    if actor is not None and not actor.is_authenticated:
        actor = None
    entry = AuditLogEntry(
        at=timezone.now(),
        actor=actor,
        actor_repr=str(actor.get_username()) if actor else "system",
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        agency_code=agency.code if agency else "",
        before=before,
        after=after,
        note=note,
    )
    # No savepoint: an audit entry that cannot be written fails the whole change.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK_KEY]
                )
        last = (
            AuditLogEntry.objects.order_by("-pk")
            .values_list("entry_hash", flat=True)
            .first()
        )
        entry.prev_hash = AuditLogEntry.GENESIS_HASH if last is None else last
        entry.entry_hash = AuditLogEntry.chain_hash(entry, prev_hash=entry.prev_hash)
        entry.save()
    return entry


@transaction.atomic
def agency_upsert(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name: str,
    level: str,
    parent: Agency | None = None,
    **fields: Any,
) -> Agency:
    """Create or update an agency by its code; validates the code and the tree."""
    agency = Agency.objects.filter(code=code).first()
    before = snapshot(agency) if agency else None
    if agency is None:
        agency = Agency(code=code)
    agency.name, agency.level, agency.parent = name, level, parent
    for key, value in fields.items():
        setattr(agency, key, value)
    agency.full_clean()
    after = snapshot(agency)
    if before == after:
        return agency
    agency.save()
    audit_record(
        actor=actor,
        action="agency.created" if before is None else "agency.updated",
        obj=agency,
        before=before,
        after=snapshot(agency),
        agency=agency,
    )
    return agency


ROLE_GROUP_PREFIX = "Một cửa — "

# Django model permissions each role needs in the Wagtail admin; access to the
# admin itself is granted to every staff role.
ROLE_MODEL_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMIN: [
        "core.add_agency",
        "core.change_agency",
        "core.view_agency",
        "core.add_membership",
        "core.change_membership",
        "core.delete_membership",
        "core.view_membership",
        "core.add_calendarday",
        "core.change_calendarday",
        "core.delete_calendarday",
        "core.view_calendarday",
        "core.view_auditlogentry",
        "procedures.add_procedure",
        "procedures.change_procedure",
        "procedures.delete_procedure",
        "procedures.view_procedure",
        "procedures.add_field",
        "procedures.change_field",
        "procedures.view_field",
        "signatures.add_trustedcertificate",
        "signatures.change_trustedcertificate",
        "signatures.delete_trustedcertificate",
        "signatures.view_trustedcertificate",
        "signatures.add_agencysigningcertificate",
        "signatures.change_agencysigningcertificate",
        "signatures.delete_agencysigningcertificate",
        "signatures.view_agencysigningcertificate",
        "signatures.add_revocationlist",
        "signatures.change_revocationlist",
        "signatures.delete_revocationlist",
        "signatures.view_revocationlist",
        "incoming.add_incomingmailbox",
        "incoming.change_incomingmailbox",
        "incoming.delete_incomingmailbox",
        "incoming.view_incomingmailbox",
        "incoming.view_incomingmail",
        "exchange.add_peer",
        "exchange.change_peer",
        "exchange.view_peer",
        "exchange.add_peeragency",
        "exchange.change_peeragency",
        "exchange.delete_peeragency",
        "exchange.view_peeragency",
        "records.add_retentionperiod",
        "records.change_retentionperiod",
        "records.view_retentionperiod",
        "records.add_catalogueentry",
        "records.change_catalogueentry",
        "records.view_catalogueentry",
    ],
    Role.LEADER: ["core.view_auditlogentry", "core.view_agency"],
}


def role_group(*, role: str) -> Group:
    """The Django group that carries a role's admin permissions (created on demand)."""
    group, _ = Group.objects.get_or_create(
        name=f"{ROLE_GROUP_PREFIX}{Role(role).label}"
    )
    wanted = ["wagtailadmin.access_admin", *ROLE_MODEL_PERMISSIONS.get(role, [])]
    perms = []
    for dotted in wanted:
        app_label, codename = dotted.split(".")
        perms += list(
            DjangoPermission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        )
    group.permissions.set(perms)
    _role_page_permissions(group=group, role=role)
    return group


# Wagtail page permissions on the whole site (the public portal, its document
# library included): clerks draft and submit for moderation, leaders approve and
# publish. Wagtail's own moderation workflow does the rest.
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    Role.CLERK: ["add_page", "change_page"],
    Role.LEADER: ["add_page", "change_page", "publish_page"],
}


def _role_page_permissions(*, group: Group, role: str) -> None:
    from wagtail.models import GroupApprovalTask, GroupPagePermission, Page

    codenames = ROLE_PAGE_PERMISSIONS.get(role, [])
    root = Page.get_first_root_node()
    if not codenames or root is None:
        return
    for permission in DjangoPermission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=codenames
    ):
        GroupPagePermission.objects.get_or_create(
            group=group, page=root, permission=permission
        )
    if "publish_page" in codenames:
        # Leaders approve what clerks submit, in every approval step there is.
        for task in GroupApprovalTask.objects.filter(active=True):
            task.groups.add(group)


@transaction.atomic
def membership_grant(
    *, actor: AbstractBaseUser | None, user: AbstractBaseUser, agency: Agency, role: str
) -> Membership:
    """Give a user a role in an agency; makes them staff and syncs admin permissions."""
    membership, created = Membership.objects.get_or_create(
        user=user, agency=agency, role=role
    )
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(role_group(role=role))
    if created:
        audit_record(
            actor=actor,
            action="membership.granted",
            obj=membership,
            after={"user": user.get_username(), "agency": agency.code, "role": role},
            agency=agency,
        )
    return membership


def notify_by_email(*, to: list[str], subject: str, body: str) -> None:
    """Queue an e-mail for the worker once the current transaction commits."""
    from .tasks import send_email

    recipients = [address for address in to if address]
    if recipients:
        send_email.delay_on_commit(to=recipients, subject=subject, body=body)
