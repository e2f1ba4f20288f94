"""The Django admin: pages answer, invoices past DRAFT are read-only, totals are recomputed."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.forms import BooleanField, MultiWidget
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from djmoney.money import Money

from invoices.models import (
    Delivery,
    Document,
    Invoice,
    InvoiceEvent,
    InvoiceLine,
    InvoiceParty,
    Reminder,
)
from invoices.services import CostData, DiscountData, InvoiceData, invoice_create
from offices.authentication import token_issue
from offices.models import AgencyOffice, Agent, ApiToken, OfficeMembership
from parties.models import Party

from .factories import PartyFactory

VAT = Decimal("25.5")
APPS = {"offices", "parties", "invoices"}

# (model, a search, a filter) for every changelist of the project's apps.
CHANGELISTS = [
    (Agent, "clerk", {"is_staff__exact": "0"}),
    (AgencyOffice, "Helsinki", {"o": "2"}),
    (OfficeMembership, "clerk", {"role__exact": "CLERK"}),
    (ApiToken, "clerk", {"created_at__year": "2026"}),
    (Party, "Virtanen", {"party_type__exact": "PERSON"}),
    (Invoice, "Virtanen", {"status_code__exact": "DRAFT"}),
    (InvoiceEvent, "clerk", {"action_type_code__exact": "CREATE"}),
    (Document, "invoice", {"status__exact": "READY"}),
    (Delivery, "virtanen", {"channel__exact": "EMAIL"}),
    (Reminder, "virtanen", {"channel__exact": "EMAIL"}),
]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def make_draft(office, party, clerk, amount: int = 10000, **overrides) -> Invoice:
    data = InvoiceData(
        agency_office_id=office.id,
        invoicing_reason_code="OTHER",
        party_ids=[party.id],
        costs=[
            CostData(
                amount=amount,
                vat_percentage=VAT,
                includes_vat=True,
                cost_type_code="COMMISSION",
                description="Commission",
            )
        ],
        **overrides,
    )
    return invoice_create(actor=clerk, data=data)


def set_status(invoice: Invoice, status: str, **fields) -> None:
    # status_code is a protected FSM field: tests move it with a queryset update.
    Invoice.objects.filter(pk=invoice.pk).update(status_code=status, **fields)


def form_data(response) -> dict[str, str | list[str]]:
    """The POST body a browser would send for an admin change form as it was rendered."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            value, widget = bound.value(), bound.field.widget
            if isinstance(widget, MultiWidget):
                parts = value if isinstance(value, list | tuple) else widget.decompress(value)
                for index, part in enumerate(parts):
                    data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
            elif isinstance(bound.field, BooleanField):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):  # a multiple choice
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = "" if value is None else str(value)
    data["_save"] = "Save"
    return data


def formset_prefix(response, model) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise AssertionError(f"no inline for {model.__name__}")


def change_form(browser, obj, inline_model=InvoiceLine) -> tuple[str, dict, str]:
    """The change URL of *obj*, its form as a browser would post it, and an inline's prefix."""
    url = admin_url(type(obj), "change", obj.pk)
    response = browser.get(url)
    return url, form_data(response), formset_prefix(response, inline_model)


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def superuser(db):
    return Agent.objects.create_superuser("root", "root@example.com", "root-password-1")


@pytest.fixture
def browser(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def draft(office, party, clerk):
    return make_draft(office, party, clerk)


@pytest.fixture
def some_data(draft, clerk, other_party):
    token_issue(agent=clerk)
    Document.objects.create(
        invoice=draft,
        kind="PREVIEW",
        status="READY",
        content_hash="0" * 64,
        filename="invoice-draft-preview.pdf",
    )
    Delivery.objects.create(
        invoice=draft, kind="INITIAL", channel="EMAIL", recipient="matti.virtanen@example.com"
    )
    Reminder.objects.create(
        invoice=draft,
        period=1,
        period_start=draft.created_at.date(),
        reminder_date=draft.created_at.date(),
        days_overdue=8,
        interest_rate="10.5",
        interest_rate_basis="STATUTORY",
        principal=10000,
        interest=23,
        total=10023,
        new_due_date=draft.created_at.date(),
        channel="EMAIL",
        recipient="matti.virtanen@example.com",
    )
    return draft


def test_every_model_of_the_project_is_registered():
    registered = {m for m in admin.site._registry if m._meta.app_label in APPS}
    assert registered == {model for model, _, _ in CHANGELISTS}


@pytest.mark.parametrize(("model", "search", "filters"), CHANGELISTS, ids=lambda v: str(v))
def test_changelist_answers_with_search_and_filter(browser, some_data, model, search, filters):
    url = admin_url(model, "changelist")
    assert browser.get(url).status_code == 200
    response = browser.get(url, {"q": search})
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    response = browser.get(url, {"q": search, **filters})
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_change_pages_answer(browser, some_data, clerk, office, party):
    for obj in (
        clerk,
        office,
        party,
        OfficeMembership.objects.first(),
        ApiToken.objects.first(),
        some_data,
    ):
        response = browser.get(admin_url(type(obj), "change", obj.pk))
        assert response.status_code == 200, type(obj).__name__


def test_invoice_changelist_queries_do_not_grow_with_rows(
    browser, office, party, clerk, django_assert_max_num_queries
):
    url = admin_url(Invoice, "changelist")
    make_draft(office, party, clerk)
    with CaptureQueriesContext(connection) as one_row:
        assert browser.get(url).status_code == 200
    for amount in range(19):
        make_draft(office, party, clerk, amount=1000 + amount)
    with django_assert_max_num_queries(len(one_row)):
        response = browser.get(url, {"q": "Virtanen", "status_code__exact": "DRAFT"})
    assert response.context["cl"].result_count == 20
    assert len(one_row) <= 12


def test_invoices_cannot_be_added(browser, draft):
    assert browser.get(admin_url(Invoice, "add")).status_code == 403


def test_api_token_is_read_only_and_hides_its_hash(browser, clerk):
    _, token = token_issue(agent=clerk)
    assert browser.get(admin_url(ApiToken, "add")).status_code == 403
    response = browser.get(admin_url(ApiToken, "change", token.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert token.key_hash not in response.content.decode()
    assert browser.post(admin_url(ApiToken, "change", token.pk), {}).status_code == 403


def test_draft_change_page_is_editable(browser, draft):
    response = browser.get(admin_url(Invoice, "change", draft.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is True
    form = response.context["adminform"].form
    for server_owned in ("status_code", "invoice_number", "total_vat_included", "agency_office"):
        assert server_owned not in form.fields


@pytest.mark.parametrize("status", ["READY_FOR_APPROVAL", "APPROVED", "REJECTED", "CREDITED"])
def test_invoice_past_draft_is_read_only_and_kept(browser, draft, status):
    url = admin_url(Invoice, "change", draft.pk)
    editable = form_data(browser.get(url))
    set_status(draft, status, invoice_number="20260100001", reference_number="202601000014")

    response = browser.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert all(
        not inline.has_change_permission for inline in response.context["inline_admin_formsets"]
    )
    assert browser.post(url, editable).status_code == 403
    assert browser.get(admin_url(Invoice, "delete", draft.pk)).status_code == 403
    assert browser.post(admin_url(Invoice, "delete", draft.pk), {"post": "yes"}).status_code == 403
    assert Invoice.objects.filter(pk=draft.pk).exists()


def test_numbered_draft_cannot_be_deleted(browser, draft):
    # Numbers survive UNLOCK / REJECT, so a numbered DRAFT exists.
    Invoice.objects.filter(pk=draft.pk).update(invoice_number="20260100001")
    assert browser.get(admin_url(Invoice, "delete", draft.pk)).status_code == 403
    assert browser.post(admin_url(Invoice, "delete", draft.pk), {"post": "yes"}).status_code == 403
    response = browser.post(
        admin_url(Invoice, "changelist"),
        {"action": "delete_selected", "_selected_action": [str(draft.pk)], "post": "yes"},
    )
    assert response.status_code == 403
    assert Invoice.objects.filter(pk=draft.pk).exists()


def test_unnumbered_draft_can_be_deleted(browser, draft):
    response = browser.post(admin_url(Invoice, "delete", draft.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Invoice.objects.filter(pk=draft.pk).exists()
    assert not InvoiceLine.objects.filter(invoice_id=draft.pk).exists()


def test_editing_a_draft_line_recomputes_the_totals(browser, draft):
    url, data, lines = change_form(browser, draft)
    data[f"{lines}-0-unit_amount_0"] = "200.00"
    # Whatever is posted for server-owned fields is ignored.
    data["total_vat_included"] = "1.00"

    response = browser.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    invoice = Invoice.objects.get(pk=draft.pk)
    assert invoice.status_code == "DRAFT"
    assert invoice.total_vat_included == Money("200.00", "EUR")
    assert invoice.total_vat_excluded == Money("159.36", "EUR")  # 20000 / 1.255, half-up
    assert invoice.total_vat == Money("40.64", "EUR")
    assert invoice.amount_due == Money("200.00", "EUR")
    line = invoice.lines.get()
    assert (line.vat_excluded, line.vat, line.vat_included) == (
        Money("159.36", "EUR"),
        Money("40.64", "EUR"),
        Money("200.00", "EUR"),
    )


def test_adding_a_discount_and_a_line_recomputes_the_totals(browser, office, party, clerk):
    draft = make_draft(office, party, clerk, discount=DiscountData(amount=1000, vat_percentage=VAT))
    url, data, lines = change_form(browser, draft)
    data[f"{lines}-TOTAL_FORMS"] = "2"
    new_line = {
        "position": "1",
        "cost_type_code": "MARKETING",
        "description": "Marketing",
        "quantity": "1",
        "unit_amount_0": "50.00",
        "unit_amount_1": "EUR",
        "vat_percentage": "25.5",
    }
    data |= {f"{lines}-1-{name}": value for name, value in new_line.items()}
    data["discount_amount_0"] = "20.00"

    assert browser.post(url, data).status_code == 302

    invoice = Invoice.objects.get(pk=draft.pk)
    # 100.00 incl. + 50.00 excl. (62.75 incl.) - 20.00 incl. discount
    assert invoice.total_vat_included == Money("142.75", "EUR")
    assert invoice.lines.count() == 2


def test_line_in_another_currency_is_rejected(browser, draft):
    url, data, lines = change_form(browser, draft)
    data[f"{lines}-0-unit_amount_0"] = "300.00"
    data[f"{lines}-0-unit_amount_1"] = "USD"

    response = browser.post(url, data)

    assert response.status_code == 200  # the form again, with errors
    assert "USD is not one of the available choices" in str(response.context["errors"])
    assert Invoice.objects.get(pk=draft.pk).total_vat_included == Money("100.00", "EUR")


def test_amount_below_the_minor_unit_is_rejected(browser, draft):
    url, data, lines = change_form(browser, draft)
    data[f"{lines}-0-unit_amount_0"] = "100.005"

    response = browser.post(url, data)

    assert response.status_code == 200
    assert "whole EUR minor units" in str(response.context["errors"])


def test_party_of_another_office_is_rejected(browser, draft, other_party):
    url, data, parties = change_form(browser, draft, InvoiceParty)
    data[f"{parties}-0-party"] = str(other_party.pk)

    response = browser.post(url, data)

    assert response.status_code == 200
    assert "another agency office" in response.content.decode()
    assert draft.invoiced_parties.get().party_id != other_party.pk


def test_party_links_added_and_changed_in_the_admin_carry_the_invoices_office(
    browser, draft, office
):
    """``InvoiceParty.agency_office`` (the search scopes party matches by it) is the invoice's
    also for links the admin's inline writes."""
    first, second = PartyFactory(office=office), PartyFactory(office=office)
    url, data, parties = change_form(browser, draft, InvoiceParty)
    data[f"{parties}-0-party"] = str(first.pk)
    data[f"{parties}-TOTAL_FORMS"] = "2"
    data |= {f"{parties}-1-party": str(second.pk), f"{parties}-1-position": "1"}

    response = browser.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    links = InvoiceParty.objects.filter(invoice=draft)
    assert {link.party_id for link in links} == {first.pk, second.pk}
    assert {link.agency_office_id for link in links} == {office.pk}


def test_office_edit_goes_through_the_service_and_keeps_numbered_identifier(browser, office, draft):
    url = admin_url(AgencyOffice, "change", office.pk)
    data = form_data(browser.get(url))
    data["phone"] = "+358 9 123 4567"
    assert browser.post(url, data).status_code == 302
    assert AgencyOffice.objects.get(pk=office.pk).phone == "+358 9 123 4567"

    Invoice.objects.filter(pk=draft.pk).update(invoice_number="20260100001")
    response = browser.get(url)
    assert "office_identifier" not in response.context["adminform"].form.fields


def test_party_added_in_the_admin(browser, office):
    url = admin_url(Party, "add")
    data = form_data(browser.get(url))
    data |= {"office": str(office.pk), "name": "Aino Aaltonen", "email": "aino@example.com"}
    response = browser.post(url, data)
    assert response.status_code == 302
    party = Party.objects.get(name="Aino Aaltonen")
    assert party.office_id == office.pk
    assert browser.get(admin_url(Party, "change", party.pk)).status_code == 200


def test_staff_sees_only_invoices_of_its_offices(client, office, other_office, draft, clerk):
    other = make_draft(
        other_office,
        PartyFactory(office=other_office),
        Agent.objects.create_superuser("boss", "", "boss-password-1"),
    )
    staff = Agent.objects.create_user("staff", password="staff-password-1", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(codename__in=["view_invoice", "change_invoice"])
    )
    OfficeMembership.objects.create(agent=staff, office=office, role="CLERK")
    client.force_login(staff)
    response = client.get(admin_url(Invoice, "changelist"))
    assert response.status_code == 200
    shown = {invoice.pk for invoice in response.context["cl"].result_list}
    assert shown == {draft.pk}
    assert other.pk not in shown


def test_agent_added_in_the_admin_then_given_a_role(browser, office):
    url = admin_url(Agent, "add")
    password = {"password1": "Very-secret-pw-91", "password2": "Very-secret-pw-91"}
    body = {"username": "newbie", "usable_password": "true", "_save": "Save", **password}
    response = browser.post(url, body)
    assert response.status_code == 302
    agent = Agent.objects.get(username="newbie")
    assert agent.check_password("Very-secret-pw-91")
    # Usernames are unique regardless of case.
    assert browser.post(url, {**body, "username": "NEWBIE"}).status_code == 200
    assert Agent.objects.filter(username__iexact="newbie").count() == 1

    change = admin_url(Agent, "change", agent.pk)
    response = browser.get(change)
    data = form_data(response)
    roles = formset_prefix(response, OfficeMembership)
    data |= {f"{roles}-TOTAL_FORMS": "1", f"{roles}-0-office": str(office.pk)}
    data[f"{roles}-0-role"] = "CLERK"
    response = browser.post(change, data)
    assert response.status_code == 302, response.context["errors"]
    assert set(agent.memberships.values_list("office_id", "role")) == {(office.pk, "CLERK")}


def test_office_added_in_the_admin_with_an_account(browser):
    url = admin_url(AgencyOffice, "add")
    response = browser.get(url)
    data = form_data(response)
    accounts = formset_prefix(response, AgencyOffice.payment_accounts.rel.related_model)
    data |= {
        "name": "Turku",
        "office_identifier": "03",
        "business_id": "0112038-9",
        "default_payment_terms_code": "NET_14",
        "default_notice_period": "8",
        f"{accounts}-TOTAL_FORMS": "1",
        f"{accounts}-0-position": "0",
        f"{accounts}-0-iban": "FI5810171000000122",
        f"{accounts}-0-bic": "NDEAFIHH",
    }
    response = browser.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    office = AgencyOffice.objects.get(office_identifier="03")
    assert list(office.payment_accounts.values_list("iban", flat=True)) == ["FI5810171000000122"]
