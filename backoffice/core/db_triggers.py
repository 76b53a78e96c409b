"""Database triggers that make the audit log append-only beneath the ORM.

Used by migration 0002. The test suite drops them just before Django flushes the
database after a transactional test and puts them back afterwards; the application
itself never calls `uninstall`.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

MESSAGE = "core_auditlogentry is append-only"

_POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION core_auditlogentry_refuse() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER core_auditlogentry_no_update
    BEFORE UPDATE OR DELETE ON core_auditlogentry
    FOR EACH ROW EXECUTE FUNCTION core_auditlogentry_refuse()""",
    """CREATE OR REPLACE TRIGGER core_auditlogentry_no_truncate
    BEFORE TRUNCATE ON core_auditlogentry
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditlogentry_refuse()""",
]
_POSTGRES_UNINSTALL = [
    "DROP TRIGGER IF EXISTS core_auditlogentry_no_update ON core_auditlogentry",
    "DROP TRIGGER IF EXISTS core_auditlogentry_no_truncate ON core_auditlogentry",
]
_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS core_auditlogentry_no_update
    BEFORE UPDATE ON core_auditlogentry BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS core_auditlogentry_no_delete
    BEFORE DELETE ON core_auditlogentry BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
_SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS core_auditlogentry_no_update",
    "DROP TRIGGER IF EXISTS core_auditlogentry_no_delete",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_UNINSTALL
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_UNINSTALL
    return []


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=True):
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)
