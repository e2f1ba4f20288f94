"""Refrens invoice numbers under real concurrency (PostgreSQL row locks, real threads).

Concurrent creates without an ``invoiceNumber`` each take the next number: the office row lock
serialises the choice, so no two invoices share a number and none is skipped. SQLite
serialises whole transactions, so this only means something on PostgreSQL.
"""

import pytest
from django.db import connection

from compat.models import ExternalId
from compat.refrens import services
from invoices.models import Invoice
from offices.models import Agent
from tests.invoices.test_concurrency_postgres import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT ... FOR UPDATE) and concurrent transactions need PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]


def _create(approver: Agent):
    def call():
        data = services.RefrensInvoice(
            billed_to=services.RefrensParty(
                name="Customer Name",
                country="IN",
                street="Customer street line",
                pincode="560100",
                gst_state="29",
            ),
            items=[services.RefrensItem(name="Item", rate=100, quantity=1, gst_rate=18)],
        )
        actor = Agent.objects.get(pk=approver.pk)
        return services.refrens_invoice_create(
            actor=actor, url_key="helsinki", data=data, share_base_url=""
        ).external_id

    return call


def test_concurrent_creates_take_consecutive_refrens_numbers(approver, url_key):
    results = run_together([_create(approver) for _ in range(8)])
    assert [kind for kind, _ in results] == ["ok"] * 8, results
    numbers = sorted(value for _, value in results)
    assert numbers == [f"INV-{n:04d}" for n in range(1, 9)]
    assert ExternalId.objects.filter(system="REFRENS", kind="INVOICE").count() == 8
    assert Invoice.objects.filter(status_code="APPROVED").count() == 8
