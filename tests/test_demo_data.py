"""``manage.py load_demo_data``: what it creates, that it is idempotent, and its DEBUG guard."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from stdnum import bic, iban
from stdnum.fi import ytunnus

from invoices.choices import InvoiceStatus, InvoicingReason
from invoices.models import Invoice, InvoiceLine, InvoiceParty, InvoicePaymentAccount
from invoices.money import to_minor
from invoices.services import invoice_delete, invoice_totals
from offices.choices import Role
from offices.models import AgencyOffice, Agent, OfficeMembership, OfficePaymentAccount
from parties.models import Party

DEMO_USERS = {
    "clerk.helsinki": ("01", Role.CLERK),
    "approver.helsinki": ("01", Role.APPROVER),
    "clerk.tampere": ("02", Role.CLERK),
    "approver.tampere": ("02", Role.APPROVER),
    "migration.helsinki": ("01", Role.MIGRATION),
}
MODELS = (
    Agent,
    AgencyOffice,
    OfficePaymentAccount,
    OfficeMembership,
    Party,
    Invoice,
    InvoiceLine,
    InvoiceParty,
    InvoicePaymentAccount,
)


def load(*args) -> str:
    out = StringIO()
    call_command("load_demo_data", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # The command hashes six passwords per run; PBKDF2 would dominate the test time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture
def loaded(db, debug, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return load()


@pytest.fixture
def clerk_helsinki(loaded):
    return Agent.objects.get(username="clerk.helsinki")


def test_creates_the_two_offices_with_valid_identifiers(loaded):
    offices = {o.office_identifier: o for o in AgencyOffice.objects.all()}
    assert {k: o.name for k, o in offices.items()} == {"01": "Helsinki", "02": "Tampere"}
    for office in offices.values():
        office.full_clean()  # the model validators check business id, VAT number
        assert ytunnus.is_valid(office.business_id)
        assert office.default_payment_terms_code == "NET_14"
        assert office.default_notice_period == 8
        assert str(office.default_late_payment_fee_percentage) == "11.50"
        (account,) = office.payment_accounts.all()
        assert iban.is_valid(account.iban) and bic.is_valid(account.bic)


def test_demo_users_log_in_with_the_demo_password_and_hold_their_roles(loaded):
    for username, (identifier, role) in DEMO_USERS.items():
        agent = Agent.objects.get(username=username)
        assert agent.check_password("demo-password-1"), username
        assert agent.first_name and agent.last_name and agent.email
        assert not agent.is_staff
        roles = set(agent.memberships.values_list("office__office_identifier", "role"))
        assert roles == {(identifier, role)}


def test_admin_is_a_superuser_with_its_own_password(loaded):
    admin = Agent.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("admin-password-1")
    assert not admin.check_password("demo-password-1")


def test_parties_mix_people_companies_languages_and_channels(loaded):
    for identifier in ("01", "02"):
        parties = Party.objects.filter(office__office_identifier=identifier)
        assert parties.count() >= 5
    parties = list(Party.objects.all())
    for party in parties:
        party.full_clean()
    assert {p.language for p in parties} == {"fi", "sv", "en"}
    companies = [p for p in parties if p.party_type == "ORGANISATION"]
    assert companies and all(ytunnus.is_valid(p.business_id) for p in companies)
    (e_invoiced,) = [p for p in parties if p.e_invoicing_address]
    assert e_invoiced.e_invoicing_address == "0037" + e_invoiced.business_id.replace("-", "")
    assert e_invoiced.e_invoicing_operator_id == "E204503"
    assert e_invoiced.e_invoicing_operator_name == "OpusCapita Solutions Oy"
    assert any(not p.email for p in parties)


def test_creates_thirty_demo_invoices_over_the_last_year(loaded):
    invoices = Invoice.objects.filter(invoice_type_code="INVOICE")
    assert invoices.count() == 30
    assert set(Invoice.objects.values_list("source_system_code", flat=True)) == {"DEMO"}
    today = timezone.localdate()
    for invoice in invoices:
        assert today - timedelta(days=366) <= invoice.issue_date <= today
        assert (invoice.invoice_number is None) == (invoice.status_code == InvoiceStatus.DRAFT)
    reasons = set(invoices.values_list("invoicing_reason_code", flat=True))
    assert {
        InvoicingReason.ASSIGNMENT,
        InvoicingReason.CLEARING_SALE,
        InvoicingReason.CLEARING_RENTAL,
        InvoicingReason.REALTY,
        InvoicingReason.OFFER_DOWN_PAYMENT,
        InvoicingReason.OTHER,
    } <= reasons
    assert invoices.filter(discount_amount__isnull=False).exists()
    assert invoices.filter(down_payment__gt=0).exists()
    assert invoices.filter(invoicing_method_code="EINVOICING").exists()


def test_demo_invoices_carry_the_entity_id_their_reason_needs(loaded):
    needs = {
        InvoicingReason.ASSIGNMENT: "assignment_id",
        InvoicingReason.CLEARING_SALE: "trade_settlement_id",
        InvoicingReason.CLEARING_RENTAL: "rental_settlement_id",
        InvoicingReason.REALTY: "realty_id",
    }
    for invoice in Invoice.objects.all():
        field = needs.get(invoice.invoicing_reason_code)
        if field:
            assert getattr(invoice, field) is not None, invoice.invoicing_reason_code


def test_stored_totals_equal_the_sum_of_the_stored_lines(loaded):
    for invoice in Invoice.objects.prefetch_related("lines"):
        lines = list(invoice.lines.all())
        assert lines
        currency = invoice.currency_code
        recomputed = invoice_totals(invoice, lines)
        # The discount is a negative line of its own, after the stored lines.
        discount = recomputed.lines[-1].vat_included if invoice.discount_amount else 0
        line_sum = sum(to_minor(line.vat_included.amount, currency) for line in lines)
        assert to_minor(invoice.total_vat_included.amount, currency) == line_sum + discount
        assert to_minor(invoice.total_vat_included.amount, currency) == recomputed.vat_included
        assert to_minor(invoice.total_vat_excluded.amount, currency) == recomputed.vat_excluded
        assert to_minor(invoice.amount_due.amount, currency) == recomputed.amount_due
        if invoice.invoice_type_code == "INVOICE":
            assert recomputed.amount_due > 0
        else:
            assert recomputed.amount_due < 0


def test_running_twice_changes_nothing(loaded):
    before = counts()
    totals = dict(Invoice.objects.values_list("id", "total_vat_included"))
    output = load()
    assert counts() == before
    assert dict(Invoice.objects.values_list("id", "total_vat_included")) == totals
    assert "draft invoices: 0 created, 30 already present" in output
    assert "invoices moved through the lifecycle: 0 created, 20 already present" in output


def test_every_lifecycle_state_paid_invoices_and_credit_notes_are_present(loaded):
    invoices = Invoice.objects.all()
    assert set(invoices.values_list("status_code", flat=True)) == set(InvoiceStatus.values)
    assert invoices.filter(is_paid=True, status_code=InvoiceStatus.APPROVED).count() == 6
    credit_notes = invoices.filter(
        invoice_type_code="CREDIT_NOTE", status_code=InvoiceStatus.APPROVED
    )
    assert credit_notes.count() == 2
    for credit_note in credit_notes:
        original = credit_note.credited_invoice
        assert original.status_code == InvoiceStatus.CREDITED
        assert credit_note.total_vat_included.amount == -original.total_vat_included.amount
    numbers = list(
        invoices.filter(agency_office__office_identifier="01", sequence_number__isnull=False)
        .order_by("sequence_number")
        .values_list("sequence_number", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1))  # gap-free


def test_tops_up_missing_demo_drafts_with_the_same_content(loaded, clerk_helsinki):
    planned = sorted(Invoice.objects.values_list("total_vat_included", flat=True))
    drafts = Invoice.objects.filter(
        agency_office__office_identifier="01", status_code=InvoiceStatus.DRAFT
    ).order_by("-issue_date")
    for invoice in list(drafts[:3]):
        invoice_delete(actor=clerk_helsinki, invoice_id=invoice.id)
    assert Invoice.objects.count() == 29
    load()
    assert Invoice.objects.count() == 32
    assert sorted(Invoice.objects.values_list("total_vat_included", flat=True)) == planned


def test_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=False"):
        load()
    assert not Agent.objects.exists()


def test_force_runs_with_debug_off(db, settings):
    settings.DEBUG = False
    load("--force")
    assert Invoice.objects.filter(invoice_type_code="INVOICE").count() == 30
