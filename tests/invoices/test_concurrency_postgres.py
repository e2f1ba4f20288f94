"""Numbering and crediting under real concurrency (PostgreSQL row locks, real threads).

SQLite serialises whole transactions and has no ``SELECT ... FOR UPDATE``, so these tests only
mean something on PostgreSQL and are skipped elsewhere. Each thread uses its own connection
(closed at the end) and its own copy of the agent; a Barrier releases them together.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from invoices import lifecycle
from invoices.models import Invoice, InvoiceEvent
from invoicing_project.errors import Conflict, InvalidState
from offices.models import AgencyOffice, Agent

from .lifecycle_helpers import (
    service_draft,
    this_year,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT ... FOR UPDATE) and concurrent transactions need PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]


def run_together(calls: list[Callable[[], object]]) -> list[tuple[str, object]]:
    """Run each call in its own thread, released at once; ``[("ok"|"error", value)]``."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, object]] = [("missing", None)] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def as_agent(agent: Agent) -> Agent:
    """A fresh copy per thread (the roles cache lives on the instance)."""
    return Agent.objects.get(pk=agent.pk)


def lock_call(agent: Agent, invoice_id) -> Callable[[], object]:
    def call():
        return lifecycle.invoice_action(actor=as_agent(agent), invoice_id=invoice_id, action="LOCK")

    return call


def test_40_concurrent_locks_get_40_consecutive_numbers(office, party, clerk):
    drafts = [service_draft(clerk, office, party) for _ in range(40)]

    results = run_together([lock_call(clerk, d.id) for d in drafts])

    errors = [value for kind, value in results if kind != "ok"]
    assert errors == []
    invoices = Invoice.objects.filter(pk__in=[d.id for d in drafts])
    assert {i.status_code for i in invoices} == {"READY_FOR_APPROVAL"}
    assert sorted(i.sequence_number for i in invoices) == list(range(1, 41))
    numbers = {i.invoice_number for i in invoices}
    assert numbers == {f"{this_year()}01{n:05d}" for n in range(1, 41)}
    assert len({i.reference_number for i in invoices}) == 40
    assert AgencyOffice.objects.get(pk=office.pk).next_sequence_number == 41


def test_two_concurrent_locks_of_the_same_draft_number_it_once(office, party, clerk, approver):
    draft = service_draft(clerk, office, party)

    results = run_together([lock_call(clerk, draft.id), lock_call(approver, draft.id)])

    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"], results
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, InvalidState | Conflict), repr(error)
    invoice = Invoice.objects.get(pk=draft.id)
    assert invoice.status_code == "READY_FOR_APPROVAL"
    assert invoice.invoice_number == f"{this_year()}0100001"
    assert AgencyOffice.objects.get(pk=office.pk).next_sequence_number == 2
    locks = InvoiceEvent.objects.filter(invoice=invoice, action_type_code="LOCK")
    assert locks.count() == 1


def test_two_concurrent_credit_notes_for_one_invoice_create_one(office, party, approver):
    invoice = service_draft(approver, office, party)
    for action in ("LOCK", "APPROVE"):
        lifecycle.invoice_action(actor=approver, invoice_id=invoice.id, action=action)

    def credit(reason: str):
        def call():
            return lifecycle.credit_note_create(
                actor=as_agent(approver),
                invoice_id=invoice.id,
                invoicing_date=invoice.invoicing_date,
                issue_date=invoice.issue_date,
                due_date=invoice.due_date,
                reason=reason,
            )

        return call

    results = run_together([credit("first"), credit("second")])

    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, InvalidState | Conflict), repr(error)
    assert Invoice.objects.filter(credited_invoice=invoice).count() == 1
    # Invoice 1, its one credit note 2: the refused one gave its number back.
    assert AgencyOffice.objects.get(pk=office.pk).next_sequence_number == 3


def test_concurrent_migrations_cannot_share_an_invoice_number(office, party, clerk):
    migrator = Agent.objects.create(username="migration")
    migrator.memberships.create(office=office, role="MIGRATION")
    drafts = [service_draft(clerk, office, party) for _ in range(2)]

    def override(invoice_id):
        def call():
            return lifecycle.invoice_final_status_override(
                actor=as_agent(migrator),
                invoice_id=invoice_id,
                invoice_type_code="INVOICE",
                status_code="APPROVED",
                invoice_number="4900000019",
                reference_number="4900000019061",
            )

        return call

    results = run_together([override(d.id) for d in drafts])

    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, Conflict), repr(error)
    assert Invoice.objects.filter(agency_office=office, invoice_number="4900000019").count() == 1
