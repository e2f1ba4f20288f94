"""The migrations describe the models exactly: a model change without its migration would
reach production as a schema the code does not expect (or a choices list the admin and the
OpenAPI schema disagree on)."""

from dataclasses import dataclass
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    out = StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
    except SystemExit as exit_:  # --check exits 1 when a migration is missing
        pytest.fail(f"makemigrations --check exited {exit_.code}:\n{out.getvalue()}")


# Every index is paid for by every insert (docs/performance.md, round four), so the project's
# tables keep none that another index already serves, and drop none that a foreign key needs.
INDEXES_SQL = """
    SELECT t.relname, i.relname, x.indisunique, x.indpred IS NOT NULL OR x.indexprs IS NOT NULL,
           am.amname = 'btree', x.indnkeyatts = x.indnatts,
           ARRAY(SELECT a.attname || CASE WHEN x.indoption[k.o - 1] & 1 = 1 THEN ' DESC' ELSE ''
                                     END || CASE WHEN oc.opcdefault THEN '' ELSE ' ' || oc.opcname
                                     END
                 FROM unnest(x.indkey[0:x.indnkeyatts - 1]) WITH ORDINALITY k(n, o)
                 JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n
                 JOIN pg_opclass oc ON oc.oid = x.indclass[k.o - 1]
                 ORDER BY k.o)
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_am am ON am.oid = i.relam
    WHERE t.relname = ANY(%s)
"""

FOREIGN_KEYS_SQL = """
    SELECT t.relname, a.attname
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND t.relname = ANY(%s)
"""

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the covering indexes are PostgreSQL's (0008)"
)


@dataclass(frozen=True)
class Index:
    table: str
    name: str
    unique: bool
    partial: bool  # a WHERE or an expression: serves only its own queries
    btree: bool
    keys_only: bool  # no INCLUDE columns
    keys: tuple[str, ...]  # "column", "column DESC", "column varchar_pattern_ops"

    def serves(self, other: "Index") -> bool:
        """This index serves every lookup and sort that ``other`` serves (a plain B-tree
        whose keys lead this one's, in the same or the opposite directions)."""
        if not (self.btree and other.btree) or self.partial or self.table != other.table:
            return False
        lead = self.keys[: len(other.keys)]
        flipped = tuple(
            key[: -len(" DESC")] if key.endswith(" DESC") else f"{key} DESC" for key in lead
        )
        return self.name != other.name and other.keys in (lead, flipped)


def _project_tables() -> list[str]:
    labels = ("invoices", "offices", "parties", "compat")
    return [
        model._meta.db_table
        for label in labels
        for model in apps.get_app_config(label).get_models()
    ]


def _indexes() -> list[Index]:
    with connection.cursor() as cursor:
        cursor.execute(INDEXES_SQL, [_project_tables()])
        return [Index(*row[:6], tuple(row[6])) for row in cursor.fetchall()]


@postgresql_only
@pytest.mark.django_db
def test_no_index_only_repeats_the_lead_of_another():
    indexes = _indexes()
    assert len(indexes) > 40  # the query sees the project's indexes
    plain = [
        index
        for index in indexes
        if index.btree and not index.unique and not index.partial and index.keys_only
    ]
    redundant = sorted(
        f"{index.name} {index.keys} is served by {wider.name} {wider.keys}"
        for index in plain
        for wider in indexes
        if wider.serves(index)
    )
    assert redundant == []


@postgresql_only
@pytest.mark.django_db
def test_every_foreign_key_leads_an_index():
    leading = {
        (index.table, index.keys[0].split()[0])  # the column, without DESC or opclass
        for index in _indexes()
        if index.btree and not index.partial
    }
    with connection.cursor() as cursor:
        cursor.execute(FOREIGN_KEYS_SQL, [_project_tables()])
        foreign_keys = cursor.fetchall()
    assert len(foreign_keys) > 15  # the query sees the project's foreign keys
    unindexed = sorted(
        f"{table}.{column}" for table, column in foreign_keys if (table, column) not in leading
    )
    assert unindexed == []
