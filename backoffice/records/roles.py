"""Admin permissions the records app adds to the staff roles: the agency
administrator keeps the retention schedule and the catalogue in the Wagtail admin."""

from backoffice.core.constants import Role
from backoffice.core.services import ROLE_MODEL_PERMISSIONS

ADMIN_PERMISSIONS = [
    "records.add_retentionperiod",
    "records.change_retentionperiod",
    "records.view_retentionperiod",
    "records.add_catalogueentry",
    "records.change_catalogueentry",
    "records.view_catalogueentry",
]


def admin_permissions_register() -> None:
    """Add the records permissions to the administrator role (idempotent)."""
    granted = ROLE_MODEL_PERMISSIONS.setdefault(Role.ADMIN, [])
    granted.extend(p for p in ADMIN_PERMISSIONS if p not in granted)
