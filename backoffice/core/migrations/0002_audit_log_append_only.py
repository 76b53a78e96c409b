"""Make the audit log append-only in the database itself, beneath the ORM."""

from django.db import migrations

MESSAGE = "core_auditlogentry is append-only"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION core_auditlogentry_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditlogentry_no_update BEFORE UPDATE OR DELETE ON core_auditlogentry
    FOR EACH ROW EXECUTE FUNCTION core_auditlogentry_refuse();
CREATE TRIGGER core_auditlogentry_no_truncate BEFORE TRUNCATE ON core_auditlogentry
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditlogentry_refuse();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_auditlogentry_no_update ON core_auditlogentry;
DROP TRIGGER IF EXISTS core_auditlogentry_no_truncate ON core_auditlogentry;
DROP FUNCTION IF EXISTS core_auditlogentry_refuse();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER core_auditlogentry_no_update BEFORE UPDATE ON core_auditlogentry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER core_auditlogentry_no_delete BEFORE DELETE ON core_auditlogentry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditlogentry_no_update;",
    "DROP TRIGGER IF EXISTS core_auditlogentry_no_delete;",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
