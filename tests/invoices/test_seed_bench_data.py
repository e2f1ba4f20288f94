"""``manage.py seed_bench_data``: the invariants the product and the benchmark rely on.

The command needs PostgreSQL (COPY, worker processes on their own connections, committed
transactions), so these tests are skipped elsewhere. One small seed (module scope) serves every
test; it empties the invoice and office tables of the test database first, as it does in a
bench database.
"""

import re
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from stdnum.fi import ytunnus

from invoices.models import Invoice, InvoiceEvent, InvoiceLine, InvoicePaymentAccount
from invoices.references import is_valid_finnish_reference, reference_from_invoice_number
from offices.models import AgencyOffice, Agent
from parties.models import Party

from ..conftest import Api

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="seed_bench_data loads PostgreSQL with COPY from worker processes",
    ),
]

INVOICES = 200
OFFICES = 3
ALL_STATES = {"DRAFT", "READY_FOR_APPROVAL", "APPROVED", "REJECTED", "CREDITED"}
NUMBERED = ALL_STATES - {"DRAFT"}


# The tables the seeder empties and loads (its indexes, keys and triggers must come back).
SEEDED_TABLES = [
    "invoices_invoice",
    "invoices_invoiceline",
    "invoices_invoiceevent",
    "invoices_invoiceparty",
    "invoices_invoicepaymentaccount",
    "parties_party",
    "offices_agencyoffice",
    "offices_agent",
    "offices_officemembership",
    "offices_officepaymentaccount",
]


# Of those, the ones the search reads with index-only scans (they need the visibility map):
# all but lines, events and payment accounts, only ever read whole by invoice.
READ_WHOLE = {"invoices_invoiceline", "invoices_invoiceevent", "invoices_invoicepaymentaccount"}
INDEX_ONLY_SCANNED = [table for table in SEEDED_TABLES if table not in READ_WHOLE]


def schema_of_seeded_tables() -> dict[str, list[tuple]]:
    """The indexes, constraints and triggers (with their enabled state) of SEEDED_TABLES."""
    queries = {
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes "
        "WHERE schemaname = 'public' AND tablename = ANY(%s)",
        "constraints": "SELECT conrelid::regclass::text, conname, contype, convalidated, "
        "pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
        "triggers": "SELECT tgrelid::regclass::text, tgname, tgenabled, pg_get_triggerdef(oid) "
        "FROM pg_trigger WHERE tgrelid::regclass::text = ANY(%s)",
    }
    schema = {}
    with connection.cursor() as cursor:
        for kind, sql in queries.items():
            cursor.execute(sql, [SEEDED_TABLES])
            schema[kind] = sorted(cursor.fetchall())
    return schema


def assert_schema_as_migrated(migrated_schema: dict[str, list[tuple]]) -> None:
    """Every index (valid and ready), constraint and trigger of the seeded tables is as the
    migrations made it, and nothing is left listed for a rebuild."""
    schema = schema_of_seeded_tables()
    assert migrated_schema["indexes"]
    for kind in ("indexes", "constraints", "triggers"):
        assert schema[kind] == migrated_schema[kind], kind
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('seed_bench_dropped_indexes')")
        assert cursor.fetchone()[0] is None
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index "
            "WHERE indrelid::regclass::text = ANY(%s) AND NOT (indisvalid AND indisready)",
            [SEEDED_TABLES],
        )
        assert cursor.fetchall() == []


@pytest.fixture(scope="module")
def migrated_schema(django_db_setup, django_db_blocker):
    """The seeded tables' schema as the migrations left it (taken before the seed)."""
    with django_db_blocker.unblock():
        return schema_of_seeded_tables()


@pytest.fixture(scope="module")
def seeded(migrated_schema, django_db_setup, django_db_blocker):
    """Seed once for the module; the tables are emptied again afterwards."""
    out = StringIO()
    with django_db_blocker.unblock():
        call_command(
            "seed_bench_data", invoices=INVOICES, offices=OFFICES, clients=2, force=True, stdout=out
        )
        yield out.getvalue()
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE invoices_invoice, parties_party, offices_agencyoffice, offices_agent "
                "CASCADE"
            )


@pytest.fixture
def db_access(seeded, db):
    """Read the seeded rows from a test (the seed itself committed them)."""
    return seeded


def cents(value) -> int:
    return int((value.amount if hasattr(value, "amount") else value) * 100)


def test_report_and_counts(db_access):
    report = db_access
    assert re.search(r"= [\d,]+ invoices/second", report), report
    assert f"Seeded {INVOICES} invoices" in report
    assert Invoice.objects.count() == INVOICES
    assert AgencyOffice.objects.count() == OFFICES
    assert InvoiceLine.objects.count() == 5 * INVOICES  # --lines defaults to 5
    # One payment account per invoice (the office's), at least CREATE in every audit trail.
    assert InvoicePaymentAccount.objects.count() == INVOICES
    assert set(Invoice.objects.values_list("id", flat=True)) == set(
        InvoiceEvent.objects.filter(action_type_code="CREATE").values_list("invoice_id", flat=True)
    )


def test_every_index_constraint_and_trigger_is_as_migrated(db_access, migrated_schema):
    """The load drops indexes and keys (and may disable a trigger): after it, the schema is
    exactly what the migrations made, not merely as many indexes."""
    assert_schema_as_migrated(migrated_schema)


def test_searched_tables_need_no_heap_fetches(db_access):
    """The search reads these tables with index-only scans, which skip the heap only for pages
    marked all-visible: the seeder sets the visibility map (VACUUM, or COPY ... FREEZE into a
    table emptied in the same transaction). Counted as the product needs it: an index-only scan
    of every row fetches nothing from the heap. (``relallvisible = relpages`` would be
    stricter than that and is not always true: two workers COPYing into one table make
    PostgreSQL extend it by several empty pages at a time, and VACUUM leaves new, empty pages
    unmarked.)"""
    fetched = {}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for table in INDEX_ONLY_SCANNED:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM {table}")
            nodes = [cursor.fetchone()[0][0]["Plan"]]
            scans = []
            while nodes:
                node = nodes.pop()
                nodes.extend(node.get("Plans", []))
                if node["Node Type"] == "Index Only Scan":
                    scans.append(node)
            assert len(scans) == 1, table
            assert scans[0]["Actual Rows"] > 0, table
            fetched[table] = scans[0]["Heap Fetches"]
    assert fetched == dict.fromkeys(INDEX_ONLY_SCANNED, 0)


def test_every_state_and_kind_is_present(db_access):
    states = set(Invoice.objects.values_list("status_code", flat=True))
    assert states == ALL_STATES
    notes = Invoice.objects.filter(invoice_type_code="CREDIT_NOTE")
    credited = Invoice.objects.filter(status_code="CREDITED")
    assert notes.count() == credited.count() > 0
    assert set(notes.values_list("credited_invoice_id", flat=True)) == set(
        credited.values_list("id", flat=True)
    )
    assert not notes.exclude(status_code="APPROVED").exists()


def test_stored_totals_are_the_sums_of_the_lines(db_access):
    sums = defaultdict(lambda: [0, 0, 0])
    for invoice_id, excluded, vat, included in InvoiceLine.objects.values_list(
        "invoice_id", "vat_excluded", "vat", "vat_included"
    ):
        row = sums[invoice_id]
        row[0] += cents(excluded)
        row[1] += cents(vat)
        row[2] += cents(included)
    for invoice in Invoice.objects.all():
        excluded, vat, included = sums[invoice.id]
        assert cents(invoice.total_vat_excluded) == excluded, invoice.id
        assert cents(invoice.total_vat) == vat, invoice.id
        assert cents(invoice.total_vat_included) == included == excluded + vat, invoice.id
        assert invoice.amount_due == invoice.total_vat_included
        if invoice.invoice_type_code == "CREDIT_NOTE":
            assert included < 0
        else:
            assert included > 0


def test_line_vat_follows_the_rate_of_the_issue_date(db_access):
    for line in InvoiceLine.objects.select_related("invoice"):
        assert line.vat_percentage in {Decimal("0"), Decimal("10"), Decimal("24"), Decimal("25.5")}
        general = line.vat_percentage in {Decimal("24"), Decimal("25.5")}
        if general:
            expected = Decimal("25.5") if str(line.invoice.issue_date) >= "2024-09-01" else 24
            assert line.vat_percentage == expected, line.invoice_id


def test_numbering_is_gap_free_and_unique_per_office(db_access):
    for office in AgencyOffice.objects.all():
        numbered = Invoice.objects.filter(agency_office=office, status_code__in=NUMBERED)
        rows = list(
            numbered.order_by("sequence_number").values_list(
                "sequence_number", "invoice_number", "created_at", "issue_date"
            )
        )
        assert [row[0] for row in rows] == list(range(1, len(rows) + 1)), office.office_identifier
        numbers = [row[1] for row in rows]
        assert len(set(numbers)) == len(numbers)
        for sequence, number, _created, issued in rows:
            assert number == f"{issued.year}{office.office_identifier}{sequence:05d}"
        assert [row[2] for row in rows] == sorted(row[2] for row in rows)  # follows creation
        assert office.next_sequence_number == len(rows) + 1
        assert not Invoice.objects.filter(
            agency_office=office, status_code="DRAFT", invoice_number__isnull=False
        ).exists()


def test_reference_numbers_are_valid(db_access):
    numbered = Invoice.objects.exclude(invoice_number__isnull=True)
    assert numbered.exists()
    for number, reference in numbered.values_list("invoice_number", "reference_number"):
        assert is_valid_finnish_reference(reference), reference
        assert reference == reference_from_invoice_number(number)


def test_business_ids_are_valid(db_access):
    """The seeder computes Y-tunnus check digits itself (fast); python-stdnum must agree."""
    ids = [
        *AgencyOffice.objects.values_list("business_id", flat=True),
        *Party.objects.exclude(business_id="").values_list("business_id", flat=True),
    ]
    assert len(ids) > len(AgencyOffice.objects.all())
    assert all(ytunnus.is_valid(value) for value in ids), [
        v for v in ids if not ytunnus.is_valid(v)
    ]


def test_audit_trail_follows_the_state(db_access):
    actions = defaultdict(list)
    for invoice_id, action in InvoiceEvent.objects.order_by("invoice_id", "time", "id").values_list(
        "invoice_id", "action_type_code"
    ):
        actions[invoice_id].append(action)
    for invoice in Invoice.objects.all():
        trail = actions[invoice.id]
        assert trail[0] == "CREATE"
        assert ("LOCK" in trail) == (invoice.status_code in NUMBERED)
        assert ("APPROVE" in trail) == (invoice.approved_date is not None)
        assert ("REJECT" in trail) == (invoice.status_code == "REJECTED")
        assert ("CREDIT" in trail) == (invoice.status_code == "CREDITED")
        assert ("MARK_AS_PAID" in trail) == invoice.is_paid
        assert invoice.modified_at >= invoice.created_at


def api_for_seed() -> Api:
    return Api(Agent.objects.get(username="bench.client1"))


@pytest.mark.parametrize("state", sorted(ALL_STATES))
def test_api_reads_a_seeded_invoice(db_access, state):
    invoice = Invoice.objects.filter(status_code=state).order_by("created_at").last()
    response = api_for_seed().get(f"/api/v1/invoices/{invoice.id}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["invoiceId"] == str(invoice.id)
    assert body["statusCode"] == state
    stored = body["totalInvoicedAmount"]
    assert stored == {
        "vatIncluded": cents(invoice.total_vat_included),
        "vatExcluded": cents(invoice.total_vat_excluded),
    }
    # The API recomputes the totals from the lines with the tax module: they must agree.
    assert body["totals"]["vatIncluded"] == stored["vatIncluded"]
    assert body["totals"]["vatExcluded"] == stored["vatExcluded"]
    assert len(body["invoice"]["costs"]) == 5
    assert body["invoice"]["invoiceNumber"] == invoice.invoice_number
    assert body["invoice"]["agencyOfficeId"] == str(invoice.agency_office_id)


def test_api_search_finds_seeded_invoices(db_access):
    invoice = Invoice.objects.filter(status_code="APPROVED").order_by("created_at").first()
    api = api_for_seed()
    response = api.get("/api/v1/invoices", {"invoiceNumber": invoice.invoice_number})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [item["invoiceId"] for item in body["invoices"]] == [str(invoice.id)]
    assert body["invoices"][0]["totalInvoicedAmount"]["vatIncluded"] == cents(
        invoice.total_vat_included
    )
    response = api.get("/api/v1/invoices", {"statusCode": "DRAFT", "size": 500})
    assert response.status_code == 200, response.content
    assert response.json()["totalCount"] == Invoice.objects.filter(status_code="DRAFT").count()


def test_party_links_carry_their_invoices_office(db_access):
    """``InvoiceParty.agency_office`` (the search scopes a party match by it) is the invoice's:
    the seeder writes it itself, as its load runs without the trigger that would."""
    from django.db.models import F

    from invoices.models import InvoiceParty

    links = InvoiceParty.objects.all()
    assert links.exists()
    assert not links.exclude(agency_office_id=F("invoice__agency_office_id")).exists()


@pytest.mark.django_db(transaction=True)  # the rebuild runs on connections of its own
def test_a_rebuild_interrupted_midway_is_finished_by_the_next_run(seeded, migrated_schema):
    """A run stopped while rebuilding leaves some dropped indexes built and the rest listed:
    the next run builds only the missing ones and re-attaches the keys."""
    from invoices.management.commands.seed_bench_data import DROPPED_INDEXES_TABLE, Command

    command = Command()
    command._drop_indexes()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT definition FROM {DROPPED_INDEXES_TABLE} "
            "WHERE definition LIKE 'CREATE %%' ORDER BY name"
        )
        built_before_the_stop = [row[0] for row in cursor.fetchall()][::2]
        for definition in built_before_the_stop:
            cursor.execute(definition)
    command._restore_indexes()
    assert built_before_the_stop
    assert_schema_as_migrated(migrated_schema)
