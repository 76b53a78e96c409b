"""Database triggers that keep the records of what happened beneath the ORM.

Two groups, each installed by a migration (SQLite and PostgreSQL):

- the audit log is append-only (core migration 0002, re-made by 0005 after the hash
  chain columns were added): no UPDATE, DELETE or TRUNCATE;
- a dossier's status history is append-only (no UPDATE, DELETE or TRUNCATE), and a
  dossier file's original — its stored path, size and SHA-256 — never changes; its
  other columns (signature verdict, OCR text, checked_at…) may, and a derived scan
  file may still be deleted and made again (dossiers migration 0006).

The test suite drops them just before Django flushes the database after a
transactional test and puts them back afterwards; the application itself never calls
an `uninstall`. On SQLite a migration that rebuilds one of these tables drops its
triggers with the old table: such a migration must install them again (`missing`
says which are absent, and a test checks the migrated schema).
"""

from django.db.backends.base.base import BaseDatabaseWrapper

MESSAGE = "core_auditlogentry is append-only"
STATUS_EVENT_MESSAGE = "dossiers_dossierstatusevent is append-only"
DOSSIER_FILE_MESSAGE = "dossiers_dossierfile original (file, size, sha256) is immutable"

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

# The columns that identify a dossier file's original; a change to any of them is
# refused (an UPDATE that writes the same values is not a change).
_ORIGINAL_COLUMNS = ("file", "size", "sha256")
_PG_ORIGINAL_CHANGED = " OR ".join(
    f'OLD."{c}" IS DISTINCT FROM NEW."{c}"' for c in _ORIGINAL_COLUMNS
)
_SQLITE_ORIGINAL_CHANGED = " OR ".join(
    f'OLD."{c}" IS NOT NEW."{c}"' for c in _ORIGINAL_COLUMNS
)
_COLUMN_LIST = ", ".join(f'"{c}"' for c in _ORIGINAL_COLUMNS)

_DOSSIERS_POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION dossiers_dossierstatusevent_refuse()
    RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{STATUS_EVENT_MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER dossiers_dossierstatusevent_no_update
    BEFORE UPDATE OR DELETE ON dossiers_dossierstatusevent
    FOR EACH ROW EXECUTE FUNCTION dossiers_dossierstatusevent_refuse()""",
    """CREATE OR REPLACE TRIGGER dossiers_dossierstatusevent_no_truncate
    BEFORE TRUNCATE ON dossiers_dossierstatusevent
    FOR EACH STATEMENT EXECUTE FUNCTION dossiers_dossierstatusevent_refuse()""",
    f"""CREATE OR REPLACE FUNCTION dossiers_dossierfile_refuse()
    RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{DOSSIER_FILE_MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE TRIGGER dossiers_dossierfile_original_fixed
    BEFORE UPDATE OF {_COLUMN_LIST} ON dossiers_dossierfile
    FOR EACH ROW WHEN ({_PG_ORIGINAL_CHANGED})
    EXECUTE FUNCTION dossiers_dossierfile_refuse()""",
]
_DOSSIERS_POSTGRES_UNINSTALL = [
    "DROP TRIGGER IF EXISTS dossiers_dossierstatusevent_no_update"
    " ON dossiers_dossierstatusevent",
    "DROP TRIGGER IF EXISTS dossiers_dossierstatusevent_no_truncate"
    " ON dossiers_dossierstatusevent",
    "DROP TRIGGER IF EXISTS dossiers_dossierfile_original_fixed"
    " ON dossiers_dossierfile",
]
_DOSSIERS_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS dossiers_dossierstatusevent_no_update
    BEFORE UPDATE ON dossiers_dossierstatusevent
    BEGIN SELECT RAISE(ABORT, '{STATUS_EVENT_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS dossiers_dossierstatusevent_no_delete
    BEFORE DELETE ON dossiers_dossierstatusevent
    BEGIN SELECT RAISE(ABORT, '{STATUS_EVENT_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS dossiers_dossierfile_original_fixed
    BEFORE UPDATE OF {_COLUMN_LIST} ON dossiers_dossierfile
    FOR EACH ROW WHEN {_SQLITE_ORIGINAL_CHANGED}
    BEGIN SELECT RAISE(ABORT, '{DOSSIER_FILE_MESSAGE}'); END""",
]
_DOSSIERS_SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS dossiers_dossierstatusevent_no_update",
    "DROP TRIGGER IF EXISTS dossiers_dossierstatusevent_no_delete",
    "DROP TRIGGER IF EXISTS dossiers_dossierfile_original_fixed",
]

# Trigger names each vendor must have once every migration has run.
EXPECTED: dict[str, frozenset[str]] = {
    "postgresql": frozenset(
        {
            "core_auditlogentry_no_update",
            "core_auditlogentry_no_truncate",
            "dossiers_dossierstatusevent_no_update",
            "dossiers_dossierstatusevent_no_truncate",
            "dossiers_dossierfile_original_fixed",
        }
    ),
    "sqlite": frozenset(
        {
            "core_auditlogentry_no_update",
            "core_auditlogentry_no_delete",
            "dossiers_dossierstatusevent_no_update",
            "dossiers_dossierstatusevent_no_delete",
            "dossiers_dossierfile_original_fixed",
        }
    ),
}


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_UNINSTALL
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_UNINSTALL
    return []


def _dossier_statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return _DOSSIERS_POSTGRES_INSTALL if install else _DOSSIERS_POSTGRES_UNINSTALL
    if vendor == "sqlite":
        return _DOSSIERS_SQLITE_INSTALL if install else _DOSSIERS_SQLITE_UNINSTALL
    return []


def _run(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: BaseDatabaseWrapper) -> None:
    """The audit log's triggers (idempotent)."""
    _run(connection, _statements(connection.vendor, install=True))


def uninstall(connection: BaseDatabaseWrapper) -> None:
    _run(connection, _statements(connection.vendor, install=False))


def dossiers_install(connection: BaseDatabaseWrapper) -> None:
    """The status history's and the original files' triggers (idempotent)."""
    _run(connection, _dossier_statements(connection.vendor, install=True))


def dossiers_uninstall(connection: BaseDatabaseWrapper) -> None:
    _run(connection, _dossier_statements(connection.vendor, install=False))


def install_all(connection: BaseDatabaseWrapper) -> None:
    install(connection)
    dossiers_install(connection)


def uninstall_all(connection: BaseDatabaseWrapper) -> None:
    uninstall(connection)
    dossiers_uninstall(connection)


def missing(connection: BaseDatabaseWrapper) -> list[str]:
    """The expected triggers the database does not have, sorted (empty when whole)."""
    expected = EXPECTED.get(connection.vendor, frozenset())
    if not expected:
        return []
    if connection.vendor == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    with connection.cursor() as cursor:
        cursor.execute(query)
        present = {row[0] for row in cursor.fetchall()}
    return sorted(expected - present)
