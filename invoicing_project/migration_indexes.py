"""Dropping an index that Django created for ``db_index=True`` (or a foreign key), by name.

Django's own ``AlterField`` to ``db_index=False`` on a foreign key also drops and re-adds the
constraint, which validates the whole table again, and on PostgreSQL drops every
single-column index on the column, including a partial unique index such as
``invoice_one_primary``. A migration that only removes a redundant index therefore changes
Django's state with ``AlterField`` and the database with :func:`drop_indexes`
(``SeparateDatabaseAndState``).
"""

from django.db import migrations

# name -> (table, column, operator class or ""); Django's generated names are the same on
# PostgreSQL and SQLite, and an operator class index (``_like``) exists on PostgreSQL only.
Indexes = dict[str, tuple[str, str, str]]


def drop_indexes(indexes: Indexes) -> migrations.RunPython:
    def drop(apps, schema_editor):
        for name in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    def restore(apps, schema_editor):
        postgresql = schema_editor.connection.vendor == "postgresql"
        for name, (table, column, opclass) in indexes.items():
            if opclass and not postgresql:
                continue
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}" {opclass})'
            )

    return migrations.RunPython(drop, restore)
