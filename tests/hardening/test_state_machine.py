"""A Hypothesis state machine drives the lifecycle in random order through the services and
checks the invariants after every step: numbers gap-free and unique per office, stored totals
exactly the tax module's, approved invoices unchanged, credit notes cancelling exactly."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from invoices import lifecycle, services
from invoices.models import Invoice
from invoicing_project.errors import DomainError
from offices.choices import Role
from tests.factories import AgencyOfficeFactory, PartyFactory, member

RATES = [Decimal(r) for r in ("0", "10", "13.5", "14", "24", "25.5")]
costs = st.lists(
    st.builds(
        services.CostData,
        amount=st.integers(min_value=1, max_value=10**8),
        vat_percentage=st.sampled_from(RATES),
        includes_vat=st.booleans(),
    ),
    min_size=1,
    max_size=4,
)
ACTIONS = ["LOCK", "UNLOCK", "APPROVE", "REJECT", "MARK_AS_PAID", "MARK_AS_UNPAID"]


def snapshot(invoice: Invoice) -> tuple:
    lines = tuple(invoice.lines.values_list("unit_amount", "vat_percentage", "includes_vat"))
    return (
        invoice.invoice_number,
        invoice.reference_number,
        invoice.total_vat_included.amount,
        invoice.total_vat_excluded.amount,
        invoice.amount_due.amount,
        invoice.issue_date,
        lines,
    )


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.office = AgencyOfficeFactory()
        self.party = PartyFactory(office=self.office)
        self.clerk = member(self.office, Role.CLERK)
        self.approver = member(self.office, Role.APPROVER)
        self.invoices: list = []
        self.approved: dict = {}  # id -> snapshot taken at approval

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _data(self, lines, down_payment=0):
        return services.InvoiceData(
            agency_office_id=self.office.id,
            invoicing_reason_code="OTHER",
            party_ids=[self.party.id],
            costs=list(lines),
            down_payment=down_payment,
        )

    @rule(lines=costs, down_payment=st.integers(min_value=0, max_value=10**6))
    def create(self, lines, down_payment):
        invoice = services.invoice_create(actor=self.clerk, data=self._data(lines, down_payment))
        self.invoices.append(invoice.id)

    @precondition(lambda self: self.invoices)
    @rule(index=st.integers(min_value=0), lines=costs)
    def update(self, index, lines):
        invoice_id = self.invoices[index % len(self.invoices)]
        try:
            services.invoice_update(actor=self.clerk, invoice_id=invoice_id, data=self._data(lines))
        except DomainError:
            assert Invoice.objects.get(pk=invoice_id).status_code != "DRAFT" or (
                Invoice.objects.get(pk=invoice_id).is_credit_note
            )

    @precondition(lambda self: self.invoices)
    @rule(index=st.integers(min_value=0), action=st.sampled_from(ACTIONS))
    def act(self, index, action):
        invoice_id = self.invoices[index % len(self.invoices)]
        before = Invoice.objects.get(pk=invoice_id)
        actor = self.approver
        try:
            lifecycle.invoice_action(actor=actor, invoice_id=invoice_id, action=action)
        except DomainError:
            assert action not in lifecycle.allowed_actions(before) or before.is_credit_note
            return
        after = Invoice.objects.get(pk=invoice_id)
        if action == "APPROVE":
            self.approved[invoice_id] = snapshot(after)

    @precondition(lambda self: self.approved)
    @rule(index=st.integers(min_value=0))
    def credit(self, index):
        invoice_id = list(self.approved)[index % len(self.approved)]
        today = timezone.localdate()
        try:
            credit_note = lifecycle.credit_note_create(
                actor=self.clerk,
                invoice_id=invoice_id,
                invoicing_date=today,
                issue_date=today,
                due_date=today + timedelta(days=14),
                reason="state machine",
            )
        except DomainError:
            return
        self.invoices.append(credit_note.id)

    @invariant()
    def numbers_are_gap_free_and_unique(self):
        numbered = Invoice.objects.filter(agency_office=self.office, sequence_number__isnull=False)
        sequences = sorted(numbered.values_list("sequence_number", flat=True))
        assert sequences == list(range(1, len(sequences) + 1))
        numbers = list(numbered.values_list("invoice_number", flat=True))
        assert len(numbers) == len(set(numbers))
        self.office.refresh_from_db()
        assert self.office.next_sequence_number == len(sequences) + 1

    @invariant()
    def stored_totals_are_the_tax_modules(self):
        for invoice in Invoice.objects.filter(agency_office=self.office).prefetch_related("lines"):
            totals = services.invoice_totals(invoice)
            assert invoice.total_vat_included.amount * 100 == totals.vat_included
            assert invoice.total_vat_excluded.amount * 100 == totals.vat_excluded
            assert invoice.amount_due.amount * 100 == totals.amount_due

    @invariant()
    def approved_invoices_never_change(self):
        for invoice_id, taken in self.approved.items():
            assert snapshot(Invoice.objects.get(pk=invoice_id)) == taken

    @invariant()
    def credit_notes_cancel_exactly(self):
        for credit_note in Invoice.objects.filter(
            agency_office=self.office, invoice_type_code="CREDIT_NOTE"
        ).select_related("credited_invoice"):
            original = credit_note.credited_invoice
            for field in ("total_vat_included", "total_vat_excluded", "total_vat", "amount_due"):
                assert getattr(credit_note, field).amount == -getattr(original, field).amount
            if credit_note.status_code == "APPROVED":
                assert original.status_code == "CREDITED"


@pytest.mark.django_db
def test_lifecycle_state_machine():
    run_state_machine_as_test(
        LifecycleMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
