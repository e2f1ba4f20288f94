"""Clerk UI views through the Django test client: login, office walls, list, CSV, editor,
invoice page, dashboard figures, parties, office settings, language."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.translation import override

from invoices import tax
from invoices.choices import InvoiceStatus, InvoiceType
from invoices.lifecycle import credit_note_create, invoice_action
from invoices.models import Invoice
from invoices.services import CostData
from invoices.ui.display import format_money, parse_decimal
from offices.choices import Role
from parties.models import Party
from tests.factories import PASSWORD, InvoiceFactory, PartyFactory, member

from .conftest import VAT, days_ago, make_approved, make_draft

NBSP = "\u00a0"


def text(response) -> str:
    return response.content.decode()


def squash(html: str) -> str:
    """Whitespace (including no-break spaces) collapsed, for matching rendered text."""
    return re.sub(r"\s+", " ", html.replace(NBSP, " "))


def editor_post(office, party=None, **overrides) -> dict:
    """A valid editor POST: one 100,00 € line incl. 25.5 % VAT and one 7,50 € line excl."""
    today = timezone.localdate()
    data = {
        "agency_office": str(office.id),
        "invoicing_reason_code": "OTHER",
        "currency_code": "EUR",
        "issue_date": today.isoformat(),
        "payment_terms_code": "NET_14",
        "due_date": (today + timedelta(days=14)).isoformat(),
        "invoicing_method_code": "",
        "discount_vat_choice": "25.5",
        "discount_includes_vat": "on",
        "costs-TOTAL_FORMS": "3",
        "costs-INITIAL_FORMS": "0",
        "costs-MIN_NUM_FORMS": "0",
        "costs-MAX_NUM_FORMS": "500",
        "costs-0-cost_type_code": "COMMISSION",
        "costs-0-description": "Commission",
        "costs-0-amount": "100,00",
        "costs-0-vat_choice": "25.5",
        "costs-0-includes_vat": "on",
        "costs-1-cost_type_code": "MARKETING",
        "costs-1-description": "Marketing",
        "costs-1-amount": "7.50",
        "costs-1-vat_choice": "25.5",
        # row 2 left untouched: an empty extra row is ignored
        "costs-2-cost_type_code": "OTHER",
        "costs-2-vat_choice": "25.5",
    }
    if party is not None:
        data["parties"] = [str(party.id)]
        data["primary_party"] = str(party.id)
    data.update(overrides)
    return data


# --- login, logout, redirects -------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_root_redirects_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    assert client.get("/invoices/")["Location"].startswith("/accounts/login/")


def test_login_with_the_session_then_logout_by_post(client, clerk):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in text(page)
    assert '<label for="id_username"' in text(page)

    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "en"
    assert client.get("/").status_code == 200

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_wrong_password_shows_an_error_not_a_500(client, clerk):
    response = client.post("/accounts/login/", {"username": "clerk", "password": "nope"})
    assert response.status_code == 200
    assert "form-errors" in text(response)


def test_login_uses_csrf(clerk):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 403


# --- office walls -------------------------------------------------------------------------------


def test_another_offices_invoice_party_and_document_are_404_pages(
    logged_in, clerk, other_clerk, other_office, other_party, django_capture_on_commit_callbacks
):
    theirs = make_draft(other_clerk, other_office, other_party)
    with django_capture_on_commit_callbacks(execute=True):
        from invoices.documents import preview_request

        document = preview_request(actor=other_clerk, invoice_id=theirs.id)
    client = logged_in(clerk)
    for url in (
        f"/invoices/{theirs.id}/",
        f"/invoices/{theirs.id}/edit/",
        f"/parties/{other_party.id}/edit/",
        f"/documents/{document.id}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "ui/errors/404.html" in [t.name for t in response.templates], url
    response = client.post(f"/invoices/{theirs.id}/action/", {"action": "LOCK"})
    assert response.status_code == 404
    response = client.get(
        "/invoices/editor/party/", {"party": str(other_party.id)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    response = client.get(
        "/invoices/editor/parties/", {"agency_office": str(other_office.id), "party_q": "Liisa"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status_code == InvoiceStatus.DRAFT


def test_a_clerk_sees_no_approve_button_and_a_forged_post_gets_the_403_page(
    logged_in, clerk, office, party
):
    invoice = make_draft(clerk, office, party)
    invoice_action(actor=clerk, invoice_id=invoice.id, action="LOCK")
    client = logged_in(clerk)
    page = text(client.get(f"/invoices/{invoice.id}/"))
    assert 'data-action="UNLOCK"' in page
    assert 'data-action="APPROVE"' not in page
    assert 'data-action="REJECT"' not in page

    response = client.post(f"/invoices/{invoice.id}/action/", {"action": "APPROVE"})
    assert response.status_code == 403
    assert "ui/errors/403.html" in [t.name for t in response.templates]
    invoice.refresh_from_db()
    assert invoice.status_code == InvoiceStatus.READY_FOR_APPROVAL


def test_the_approver_approves_from_the_invoice_page(logged_in, clerk, approver, office, party):
    invoice = make_draft(clerk, office, party)
    invoice_action(actor=clerk, invoice_id=invoice.id, action="LOCK")
    client = logged_in(approver)
    page = text(client.get(f"/invoices/{invoice.id}/"))
    assert 'data-action="APPROVE"' in page and 'data-action="REJECT"' in page
    response = client.post(f"/invoices/{invoice.id}/action/", {"action": "APPROVE"}, follow=True)
    assert response.status_code == 200
    invoice.refresh_from_db()
    assert invoice.status_code == InvoiceStatus.APPROVED
    assert "The invoice was approved." in text(response)
    assert 'data-testid="final-pdf"' in text(response)


def test_locking_an_incomplete_draft_lists_what_is_missing(logged_in, clerk, office):
    invoice = make_draft(clerk, office, PartyFactory(office=office), costs=[])
    client = logged_in(clerk)
    page = text(client.get(f"/invoices/{invoice.id}/"))
    assert "Add at least one cost line." in page  # the checklist before locking
    response = client.post(f"/invoices/{invoice.id}/action/", {"action": "LOCK"}, follow=True)
    assert response.status_code == 200
    assert "The invoice cannot be locked yet:" in text(response)
    invoice.refresh_from_db()
    assert invoice.status_code == InvoiceStatus.DRAFT


def test_an_action_the_state_does_not_allow_is_a_message(logged_in, approver, office, party):
    invoice = make_draft(approver, office, party)
    client = logged_in(approver)
    response = client.post(f"/invoices/{invoice.id}/action/", {"action": "APPROVE"}, follow=True)
    assert response.status_code == 200
    assert "not allowed when the invoice is DRAFT" in text(response)
    response = client.post(f"/invoices/{invoice.id}/action/", {"action": "EXPLODE"}, follow=True)
    assert "Unknown action." in text(response)


def test_mark_as_paid_with_a_date(logged_in, approver, office, party):
    invoice = make_approved(approver, office, party)
    client = logged_in(approver)
    paid_on = days_ago(3)
    client.post(
        f"/invoices/{invoice.id}/action/",
        {"action": "MARK_AS_PAID", "paid_date": paid_on.isoformat()},
    )
    invoice.refresh_from_db()
    assert invoice.is_paid and invoice.paid_date == paid_on


# --- invoice list -------------------------------------------------------------------------------


def test_the_list_shows_only_the_users_offices(
    logged_in, clerk, office, party, other_clerk, other_office, other_party
):
    mine = make_draft(clerk, office, party)
    theirs = make_draft(other_clerk, other_office, other_party)
    page = text(logged_in(clerk).get("/invoices/"))
    assert str(mine.id) in page
    assert str(theirs.id) not in page
    # naming the other office in the filter shows nothing rather than its invoices
    page = text(logged_in(clerk).get("/invoices/", {"agencyOfficeId": str(other_office.id)}))
    assert str(theirs.id) not in page


def test_list_filters_free_text_and_status(logged_in, approver, office):
    alice = PartyFactory(office=office, name="Alice Aaltonen")
    bob = PartyFactory(office=office, name="Bob Berg")
    draft = make_draft(approver, office, alice)
    approved = make_approved(approver, office, bob)
    client = logged_in(approver)

    page = text(client.get("/invoices/", {"q": "Aalto"}))
    assert str(draft.id) in page and str(approved.id) not in page
    page = text(client.get("/invoices/", {"q": "Aa"}))  # too short: ignored, with a hint
    assert str(draft.id) in page and str(approved.id) in page
    assert "Type at least 3 characters" in page
    page = text(client.get("/invoices/", {"statusCode": "APPROVED"}))
    assert str(approved.id) in page and str(draft.id) not in page
    page = text(client.get("/invoices/", {"isPaid": "false", "invoiceTypeCode": "INVOICE"}))
    assert str(approved.id) in page
    page = text(client.get("/invoices/", {"issueDateAfter": "2999-01-01"}))
    assert "No invoices match" in page


def test_a_bad_filter_value_is_a_message_not_a_500(logged_in, clerk):
    response = logged_in(clerk).get("/invoices/", {"issueDateAfter": "yesterday"})
    assert response.status_code == 200
    assert "issueDateAfter" in text(response)


def test_sorting_by_a_column_toggles_and_keeps_the_filters(logged_in, approver, office, party):
    numbers = [make_approved(approver, office, party).invoice_number for _ in range(3)]
    client = logged_in(approver)
    page = text(client.get("/invoices/", {"sort": "invoiceNumber|asc", "statusCode": "APPROVED"}))
    positions = [page.index(n) for n in numbers]
    assert positions == sorted(positions)
    assert 'aria-sort="ascending"' in page
    # the header now offers the opposite direction, keeping the status filter
    assert "sort=invoiceNumber%7Cdesc" in page and "statusCode=APPROVED" in page
    page = text(client.get("/invoices/", {"sort": "invoiceNumber|desc"}))
    positions = [page.index(n) for n in numbers]
    assert positions == sorted(positions, reverse=True)
    assert 'aria-sort="descending"' in page


def test_the_list_pages_by_25(logged_in, clerk, office):
    for _ in range(27):
        InvoiceFactory(agency_office=office)
    client = logged_in(clerk)
    first = client.get("/invoices/")
    assert len(first.context["rows"]) == 25
    assert "27 invoices" in text(first)
    second = client.get("/invoices/", {"page": 2})
    assert len(second.context["rows"]) == 2


def test_htmx_filtering_returns_only_the_table(logged_in, clerk, office, party):
    make_draft(clerk, office, party)
    response = logged_in(clerk).get("/invoices/", {"statusCode": "DRAFT"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and 'id="invoice-table"' in body
    assert "HX-Request" in response["Vary"]
    # a history restore (htmx cache miss on Back) gets the whole page
    response = logged_in(clerk).get(
        "/invoices/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in text(response)


def test_the_list_query_count_does_not_grow_with_rows(
    logged_in, clerk, office, party, django_assert_max_num_queries
):
    for _ in range(10):
        make_draft(clerk, office, party)
    client = logged_in(clerk)
    with django_assert_max_num_queries(10):
        client.get("/invoices/")


# --- CSV export ---------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_export_of_the_filtered_list(
    logged_in, approver, office, party, other_clerk, other_office, other_party
):
    approved = make_approved(
        approver,
        office,
        party,
        costs=[
            CostData(amount=10000, vat_percentage=VAT, includes_vat=True),
            CostData(amount=750, vat_percentage=VAT),
        ],
    )
    make_draft(approver, office, party)
    make_draft(other_clerk, other_office, other_party)
    response = logged_in(approver).get("/invoices/export.csv", {"statusCode": "APPROVED"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == [
        "Number",
        "Type",
        "Status",
        "Office",
        "Issue date",
        "Due date",
        "Primary party",
        "VAT excluded",
        "VAT",
        "VAT included",
        "Amount due",
        "Paid",
        "Reference",
    ]
    assert len(rows) == 2
    row = rows[1]
    assert row[0] == approved.invoice_number
    assert row[1:4] == ["INVOICE", "APPROVED", "Helsinki"]
    assert row[4] == approved.issue_date.isoformat()
    assert row[6] == party.name
    assert row[7:11] == ["87.18", "22.23", "109.41", "109.41"]
    assert row[11] == "false"
    assert row[12] == approved.reference_number


def test_csv_export_never_contains_another_offices_invoices(
    logged_in, other_clerk, other_office, other_party, clerk
):
    theirs = make_draft(other_clerk, other_office, other_party)
    rows = _csv(logged_in(clerk).get("/invoices/export.csv"))
    assert rows == rows[:1]
    assert str(theirs.id) not in str(rows)


# --- draft editor -------------------------------------------------------------------------------


def test_the_editor_offers_only_draft_offices_and_office_defaults(
    logged_in, clerk, office, other_office
):
    response = logged_in(clerk).get("/invoices/new/")
    assert response.status_code == 200
    form = response.context["form"]
    assert [value for value, _label in form.fields["agency_office"].choices] == [str(office.id)]
    today = timezone.localdate()
    assert form.initial["issue_date"] == today
    assert form.initial["due_date"] == today + timedelta(days=14)
    page = text(response)
    assert '<label for="id_issue_date"' in page
    assert 'aria-live="polite"' in page  # the live totals


def test_creating_a_draft_in_the_editor(logged_in, clerk, office, party):
    client = logged_in(clerk)
    data = editor_post(office, party)
    data["costs-0-amount"] = "1 234,56"
    response = client.post("/invoices/new/", data)
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert response["Location"] == f"/invoices/{invoice.id}/"
    lines = list(invoice.lines.order_by("position"))
    assert [line.cost_type_code for line in lines] == ["COMMISSION", "MARKETING"]
    assert [line.unit_amount.amount for line in lines] == [Decimal("1234.56"), Decimal("7.50")]
    assert lines[0].includes_vat and not lines[1].includes_vat
    assert invoice.invoiced_parties.get().party == party
    assert invoice.created_by == clerk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"due_date": "2020-01-01", "issue_date": "2020-02-01"},
            "due_date",
            "The due date cannot be before the issue date.",
        ),
        (
            {"invoicing_reason_code": "ASSIGNMENT"},
            "assignment_id",
            "The invoicing reason needs this id.",
        ),
        ({"costs-1-amount": "7,505"}, "costs-1-amount", "Use at most 2 decimals."),
        ({"costs-1-amount": "seven"}, "costs-1-amount", "Enter an amount in euros"),
        (
            {"costs-1-vat_choice": "other", "costs-1-vat_other": ""},
            "costs-1-vat_other",
            "Enter the VAT percentage.",
        ),
    ],
)
def test_editor_errors_are_shown_next_to_the_field(
    logged_in, clerk, office, party, overrides, field, message
):
    response = logged_in(clerk).post("/invoices/new/", editor_post(office, party, **overrides))
    assert response.status_code == 400
    page = text(response)
    error_list = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', page, re.S)
    assert error_list, page
    assert message in error_list.group(1)
    assert f'aria-describedby="id_{field}_error"' in page
    assert not Invoice.objects.exists()


def test_a_party_of_another_office_is_refused_next_to_the_parties(
    logged_in, clerk, office, other_party
):
    response = logged_in(clerk).post("/invoices/new/", editor_post(office, other_party))
    assert response.status_code == 400
    assert "A party does not belong to the office" in text(response)
    assert not Invoice.objects.exists()


def test_editing_a_draft(logged_in, clerk, office, party):
    invoice = make_draft(clerk, office, party, amount=5000)
    client = logged_in(clerk)
    page = client.get(f"/invoices/{invoice.id}/edit/")
    assert page.status_code == 200
    assert 'value="50.00"' in text(page)
    data = editor_post(office, party)
    data.pop("agency_office")  # disabled on edit
    response = client.post(f"/invoices/{invoice.id}/edit/", data)
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.lines.count() == 2
    assert invoice.total_vat_included.amount == Decimal("109.41")


def test_removing_a_line_marks_delete(logged_in, clerk, office, party):
    invoice = make_draft(clerk, office, party, amount=5000)
    data = editor_post(office, party)
    data["costs-1-DELETE"] = "on"
    logged_in(clerk).post(f"/invoices/{invoice.id}/edit/", data)
    assert invoice.lines.count() == 1


def test_only_drafts_that_are_not_credit_notes_are_editable(logged_in, approver, office, party):
    invoice = make_approved(approver, office, party)
    client = logged_in(approver)
    response = client.get(f"/invoices/{invoice.id}/edit/", follow=True)
    assert response.redirect_chain[-1][0] == f"/invoices/{invoice.id}/"
    assert "Only a draft can be edited" in text(response)
    today = timezone.localdate()
    credit = credit_note_create(
        actor=approver,
        invoice_id=invoice.id,
        invoicing_date=today,
        issue_date=today,
        due_date=today,
        reason="Wrong amount",
    )
    response = client.get(f"/invoices/{credit.id}/edit/", follow=True)
    assert "A credit note cannot be edited." in text(response)


def test_htmx_add_line_returns_the_next_row_and_the_new_total(logged_in, clerk):
    response = logged_in(clerk).get(
        "/invoices/editor/cost-row/", {"costs-TOTAL_FORMS": "3"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = text(response)
    assert 'name="costs-3-amount"' in page
    assert 'name="costs-3-DELETE"' in page
    assert 'id="id_costs-TOTAL_FORMS" value="4" hx-swap-oob="true"' in page
    assert " required" not in page  # a new row may stay empty


def test_live_totals_use_the_tax_module(logged_in, clerk, office):
    data = editor_post(office)
    response = logged_in(clerk).post("/invoices/editor/totals/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    expected = tax.invoice_totals(
        [
            tax.LineInput(Decimal(10000), VAT, includes_vat=True),
            tax.LineInput(Decimal(750), VAT),
        ]
    )
    assert (expected.vat_included, expected.vat_excluded) == (10941, 8718)
    page = squash(text(response))
    with override("en"):
        assert f'data-total="vat_included">{format_money(10941)}' in page.replace(NBSP, " ")
    assert '"vat_included">€109.41' in page
    assert '"vat_excluded">€87.18' in page
    assert '"vat">€22.23' in page


def test_live_totals_count_discount_and_down_payment_and_skip_unfinished_rows(
    logged_in, clerk, office
):
    data = editor_post(
        office,
        discount_amount="10",
        down_payment="50,00",
        **{"costs-1-amount": "7,505"},
    )
    page = squash(text(logged_in(clerk).post("/invoices/editor/totals/", data)))
    expected = tax.invoice_totals(
        [
            tax.LineInput(Decimal(10000), VAT, includes_vat=True),
            tax.discount_line(Decimal(1000), VAT, True),
        ],
        down_payment=Decimal(5000),
    )
    assert f'"vat_included">€{expected.vat_included / 100:.2f}' in page
    assert f'"amount_due"><strong>€{expected.amount_due / 100:.2f}' in page
    assert "1 line is not counted until it is complete." in page


def test_party_search_is_scoped_to_the_office_and_skips_chosen_parties(logged_in, clerk, office):
    anna = PartyFactory(office=office, name="Anna Korhonen")
    anton = PartyFactory(office=office, name="Anton Aho")
    PartyFactory(office=office, name="Bertta")
    client = logged_in(clerk)
    page = text(
        client.get("/invoices/editor/parties/", {"agency_office": str(office.id), "party_q": "An"})
    )
    assert "Anna Korhonen" in page and "Anton Aho" in page and "Bertta" not in page
    page = text(
        client.get(
            "/invoices/editor/parties/",
            {"agency_office": str(office.id), "party_q": "An", "parties": str(anna.id)},
        )
    )
    assert "Anna Korhonen" not in page
    chip = client.get("/invoices/editor/party/", {"party": str(anton.id)})
    assert f'name="parties" value="{anton.id}"' in text(chip)
    assert "checked" in text(chip)  # the first party chosen is primary
    again = client.get("/invoices/editor/party/", {"party": str(anton.id), "parties": anton.id})
    assert again.status_code == 204


def test_the_due_date_follows_issue_date_and_terms(logged_in, clerk, office):
    client = logged_in(clerk)
    page = text(
        client.get(
            "/invoices/editor/due-date/",
            {"issue_date": "2026-03-01", "payment_terms_code": "NET_30"},
        )
    )
    assert 'value="2026-03-31"' in page and 'id="due-date-group"' in page
    office.default_payment_terms_code = "NET_7"
    office.save()
    page = text(
        client.get(
            "/invoices/editor/office/",
            {"agency_office": str(office.id), "issue_date": "2026-03-01"},
        )
    )
    assert 'value="2026-03-08"' in page
    assert 'id="party-chips"' in page and 'hx-swap-oob="true"' in page


# --- invoice page -------------------------------------------------------------------------------


def test_the_invoice_page_shows_everything(logged_in, clerk, approver, office, party):
    invoice = make_approved(
        approver,
        office,
        party,
        costs=[
            CostData(
                amount=10000,
                vat_percentage=VAT,
                includes_vat=True,
                cost_type_code="COMMISSION",
                included_in_commission=True,
                description="Sale commission",
            ),
            CostData(amount=750, vat_percentage=VAT, description="Photos"),
        ],
    )
    approver.first_name, approver.last_name = "Mikko", "Heikkilä"
    approver.save()
    response = logged_in(clerk).get(f"/invoices/{invoice.id}/")
    assert response.status_code == 200
    page = squash(text(response))
    for expected in (
        invoice.invoice_number,
        "Sale commission",
        "Photos",
        party.name,
        "€109.41",
        "€87.18",
        "€22.23",
        "FI21 1234 5600 0007 85",
        "Mikko Heikkilä",  # the history shows agent names
        "Locked",
        "Approved",
        "Commission base",
    ):
        assert expected in page, expected
    assert 'data-action="APPROVE"' not in page  # already approved


def test_credit_note_from_the_invoice_page(logged_in, approver, office, party):
    invoice = make_approved(approver, office, party)
    client = logged_in(approver)
    page = text(client.get(f"/invoices/{invoice.id}/"))
    assert f'action="/invoices/{invoice.id}/credit-note/"' in page
    today = timezone.localdate()
    bad = client.post(
        f"/invoices/{invoice.id}/credit-note/",
        {"reason": "Wrong", "issue_date": today, "due_date": today - timedelta(days=1)},
    )
    assert bad.status_code == 400
    assert "The due date cannot be before the issue date." in text(bad)
    response = client.post(
        f"/invoices/{invoice.id}/credit-note/",
        {"reason": "Wrong amount", "issue_date": today, "due_date": today},
    )
    credit = Invoice.objects.get(invoice_type_code=InvoiceType.CREDIT_NOTE)
    assert response["Location"] == f"/invoices/{credit.id}/"
    credit_page = text(client.get(f"/invoices/{credit.id}/"))
    assert f'href="/invoices/{invoice.id}/"' in credit_page
    assert "Wrong amount" in credit_page
    original_page = text(client.get(f"/invoices/{invoice.id}/"))
    assert 'data-testid="credit-note-link"' in original_page
    assert "credit-note/" not in original_page  # one active credit note is enough


def test_deleting_a_never_numbered_draft(logged_in, clerk, office, party):
    draft = make_draft(clerk, office, party)
    client = logged_in(clerk)
    assert f'action="/invoices/{draft.id}/delete/"' in text(client.get(f"/invoices/{draft.id}/"))
    response = client.post(f"/invoices/{draft.id}/delete/")
    assert response["Location"] == "/invoices/"
    assert not Invoice.objects.filter(pk=draft.pk).exists()

    numbered = make_draft(clerk, office, party)
    invoice_action(actor=clerk, invoice_id=numbered.id, action="LOCK")
    invoice_action(actor=clerk, invoice_id=numbered.id, action="UNLOCK")
    page = text(client.get(f"/invoices/{numbered.id}/"))
    assert "/delete/" not in page
    response = client.post(f"/invoices/{numbered.id}/delete/", follow=True)
    assert "can never be deleted" in text(response)
    assert Invoice.objects.filter(pk=numbered.pk).exists()


def test_preview_pdf_is_streamed_inline_with_session_auth(
    logged_in, clerk, office, party, django_capture_on_commit_callbacks
):
    draft = make_draft(clerk, office, party)
    client = logged_in(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/invoices/{draft.id}/preview/")
    draft.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{draft.preview_invoice_document_id}/"
    pdf = client.get(response["Location"])
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    # htmx asks the same URL: it answers with a client redirect to the PDF
    polled = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert polled["HX-Redirect"] == response["Location"]


def test_a_pending_document_shows_rendering_with_a_poll(logged_in, clerk, office, party):
    draft = make_draft(clerk, office, party)
    client = logged_in(clerk)
    client.post(f"/invoices/{draft.id}/preview/")  # on_commit never runs here: stays PENDING
    draft.refresh_from_db()
    url = f"/documents/{draft.preview_invoice_document_id}/"
    page = text(client.get(url))
    assert "Rendering the PDF" in page and 'hx-trigger="every 1s"' in page
    fragment = text(client.get(url, HTTP_HX_REQUEST="true"))
    assert "<html" not in fragment and f'hx-get="{url}"' in fragment


# --- dashboard ----------------------------------------------------------------------------------


def test_dashboard_figures(
    logged_in,
    approver,
    office,
    party,
    other_clerk,
    other_office,
    other_party,
    django_assert_max_num_queries,
):
    # open receivables by days past due (each 100,00 € incl. VAT)
    for days in (-5, 0, 3, 14, 15, 30, 31, 60, 61, 200):
        make_approved(
            approver, office, party, issue=days_ago(max(days, 0) + 20), due=days_ago(days)
        )
    paid = make_approved(approver, office, party, issue=days_ago(40), due=days_ago(20))
    invoice_action(actor=approver, invoice_id=paid.id, action="MARK_AS_PAID")
    waiting = make_draft(approver, office, party)
    invoice_action(actor=approver, invoice_id=waiting.id, action="LOCK")
    make_draft(approver, office, party)  # drafts count nowhere
    # another office's invoice is not counted
    theirs = make_draft(other_clerk, other_office, other_party, amount=999999)
    invoice_action(actor=other_clerk, invoice_id=theirs.id, action="LOCK")

    client = logged_in(approver)
    with django_assert_max_num_queries(10):
        response = client.get("/")
    assert response.status_code == 200
    figures = response.context["figures"]
    primary = figures.currencies[0]
    assert primary.currency == "EUR"
    assert primary.open_receivables.minor == 10 * 10000
    assert primary.open_count == 10
    assert primary.overdue.minor == 8 * 10000  # due today and in 5 days are not overdue
    assert figures.waiting_for_approval == 1
    aging = {bar.key: bar.amount.minor for bar in figures.aging}
    assert aging == {
        "not_due": 2 * 10000,
        "days_0_14": 2 * 10000,  # 3 and 14 days
        "days_15_30": 2 * 10000,  # 15 and 30
        "days_31_60": 2 * 10000,  # 31 and 60
        "days_over_60": 2 * 10000,  # 61 and 200
    }
    # monthly: APPROVED (+ CREDITED) by issue month, the last 12 months
    monthly = {bar.key: bar.amount.minor for bar in figures.monthly}
    assert len(monthly) == 12
    expected: dict[str, int] = {}
    for invoice in Invoice.objects.filter(
        agency_office=office, status_code__in=["APPROVED", "CREDITED"]
    ):
        key = invoice.issue_date.isoformat()[:7]
        if key in monthly:
            expected[key] = expected.get(key, 0) + 10000
    assert {k: v for k, v in monthly.items() if v} == expected
    assert sum(monthly.values()) == 11 * 10000
    page = squash(text(response))
    assert "€1,000.00" in page  # open receivables
    assert 'href="/invoices/?statusCode=READY_FOR_APPROVAL"' in page
    assert "<svg" in page and 'role="img"' in page
    assert str(theirs.id) not in page


def test_dashboard_monthly_sum_nets_an_approved_credit_note(logged_in, approver, office, party):
    invoice = make_approved(approver, office, party, amount=50000)
    today = timezone.localdate()
    credit = credit_note_create(
        actor=approver,
        invoice_id=invoice.id,
        invoicing_date=today,
        issue_date=today,
        due_date=today,
        reason="Cancelled",
    )
    invoice_action(actor=approver, invoice_id=credit.id, action="LOCK")
    invoice_action(actor=approver, invoice_id=credit.id, action="APPROVE")
    figures = logged_in(approver).get("/").context["figures"]
    assert figures.monthly[-1].amount.minor == 0  # +500 credited, -500 credit note
    assert figures.currencies[0].open_receivables.minor == 0  # CREDITED is not open


def test_recent_activity_is_limited_to_the_users_offices(
    logged_in, clerk, office, party, other_clerk, other_office, other_party
):
    mine = make_draft(clerk, office, party)
    theirs = make_draft(other_clerk, other_office, other_party)
    events = logged_in(clerk).get("/").context["figures"].events
    assert [e.invoice_id for e in events] == [mine.id]
    assert theirs.id not in [e.invoice_id for e in events]


# --- language -----------------------------------------------------------------------------------


def test_language_switch_persists_on_the_agent_and_renders_finnish(logged_in, clerk):
    client = logged_in(clerk)
    response = client.post("/accounts/language/", {"language": "fi", "next": "/invoices/"})
    assert response["Location"] == "/invoices/"
    assert response.cookies["django_language"].value == "fi"
    clerk.refresh_from_db()
    assert clerk.language == "fi"
    client.cookies.pop("django_language")  # the agent's language wins without the cookie too
    page = text(client.get("/"))
    assert '<html lang="fi">' in page
    assert "Avoimet saatavat" in page  # "Open receivables"
    assert "Uusi lasku" in page  # "New invoice"
    assert f"0,00{NBSP}€" in page
    page = text(client.get("/invoices/new/"))
    assert "Tallenna luonnos" in page  # "Save draft"


def test_language_switch_refuses_other_sites_and_unknown_languages(logged_in, clerk):
    client = logged_in(clerk)
    response = client.post(
        "/accounts/language/", {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    clerk.refresh_from_db()
    assert clerk.language == "en"


def test_money_formats_per_language():
    assert format_money(123456, "EUR", "fi") == f"1{NBSP}234,56{NBSP}€"
    assert format_money(123456, "EUR", "en") == "€1,234.56"
    assert format_money(-10941, "EUR", "en") == "-€109.41"
    assert parse_decimal("1 234,56") == Decimal("1234.56")
    assert parse_decimal("1,234.56") == Decimal("1234.56")
    assert parse_decimal("7.5") == Decimal("7.5")


# --- parties ------------------------------------------------------------------------------------


def test_party_list_search_office_filter_and_pages(logged_in, clerk, office, other_office):
    for n in range(27):
        PartyFactory(office=office, name=f"Person {n:02d}")
    PartyFactory(office=office, name="Zeta Oy", business_id="2331972-7")
    PartyFactory(office=other_office, name="Zeta Tampere")
    client = logged_in(clerk)
    first = client.get("/parties/")
    assert first.context["page"].paginator.count == 28
    assert len(first.context["page"].object_list) == 25
    page = text(client.get("/parties/", {"q": "zeta"}))
    assert "Zeta Oy" in page and "Zeta Tampere" not in page
    page = text(client.get("/parties/", {"q": "2331972"}))
    assert "Zeta Oy" in page
    partial = client.get("/parties/", {"q": "zeta"}, HTTP_HX_REQUEST="true")
    assert "<html" not in text(partial)


def test_create_and_edit_a_party(logged_in, clerk, office):
    client = logged_in(clerk)
    fields = {
        "office": str(office.id),
        "party_type": "ORGANISATION",
        "name": "Kiinteistö Oy Testi",
        "business_id": "1234567-8",
        "language": "fi",
        "country_code": "fi",
    }
    bad = client.post("/parties/new/", fields)
    assert bad.status_code == 400
    assert 'id="id_business_id_error"' in text(bad)
    fields["business_id"] = "2331972-7"
    response = client.post("/parties/new/", fields)
    assert response["Location"] == "/parties/"
    party = Party.objects.get(name="Kiinteistö Oy Testi")
    assert party.office == office and party.country_code == "FI"
    fields["name"] = "Kiinteistö Oy Uusi"
    response = client.post(f"/parties/{party.id}/edit/", fields)
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.name == "Kiinteistö Oy Uusi" and party.office == office


def test_a_party_cannot_be_created_in_another_office(logged_in, clerk, other_office):
    response = logged_in(clerk).post(
        "/parties/new/",
        {"office": str(other_office.id), "party_type": "PERSON", "name": "X", "language": "fi"},
    )
    assert response.status_code == 400  # not a choice
    assert not Party.objects.filter(name="X").exists()


# --- office settings ----------------------------------------------------------------------------


def test_office_settings_are_for_office_admins(
    logged_in, clerk, office_admin, office, other_office
):
    url = f"/offices/{office.id}/settings/"
    response = logged_in(clerk).get(url)
    assert response.status_code == 403
    assert "Office settings" not in text(logged_in(clerk).get("/"))
    client = logged_in(office_admin)
    assert client.get(f"/offices/{other_office.id}/settings/").status_code == 404
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="next-sequence">1<' in text(page)
    assert client.get("/offices/")["Location"] == url
    response = client.post(
        url,
        {
            "name": "Helsinki Centre",
            "email": "hki@example.com",
            "phone": "",
            "street_address": "Mannerheimintie 1",
            "postcode": "00100",
            "postal_area": "Helsinki",
            "default_payment_terms_code": "NET_21",
            "default_late_payment_fee_percentage": "",
            "default_notice_period": "8",
            "non_commission_costs_included_in_commission": "on",
        },
    )
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.name == "Helsinki Centre"
    assert office.default_payment_terms_code == "NET_21"
    assert office.non_commission_costs_included_in_commission is True
    assert office.non_commission_costs_separate_lines_to_pdf is False
    bad = client.post(
        url,
        {
            "name": "",
            "email": "not-an-email",
            "default_notice_period": "8",
            "default_payment_terms_code": "NET_14",
        },
    )
    assert bad.status_code == 400
    assert 'id="id_email_error"' in text(bad)


def test_an_agent_with_roles_in_two_offices_sees_both(
    logged_in, office, other_office, party, other_party
):
    agent = member(office, Role.CLERK, username="both")
    from offices.models import OfficeMembership

    OfficeMembership.objects.create(office=other_office, agent=agent, role=Role.CLERK)
    a = make_draft(agent, office, party)
    b = make_draft(agent, other_office, other_party)
    page = text(logged_in(agent).get("/invoices/"))
    assert str(a.id) in page and str(b.id) in page


@pytest.mark.django_db
def test_an_htmx_request_after_the_session_ended_redirects_the_whole_page(client):
    response = client.get(
        "/invoices/",
        {"statusCode": "DRAFT"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/invoices/?statusCode=DRAFT",
    )
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Finvoices%2F%3FstatusCode%3DDRAFT"


class _Controls(HTMLParser):
    """Form controls of a page and the labels that name them."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.label_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in (
            "hidden",
            "submit",
            "button",
        ):
            self.controls.append({**attrs, "_in_label": self.label_depth > 0})

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth -= 1


def test_every_form_control_has_a_label(logged_in, approver, office, party):
    draft = make_draft(approver, office, party)
    approved = make_approved(approver, office, party)
    client = logged_in(approver)
    for url in (
        "/invoices/new/",
        f"/invoices/{draft.id}/edit/",
        f"/invoices/{approved.id}/",  # mark as paid, credit note form
        "/invoices/",
        "/parties/",
        "/parties/new/",
    ):
        page = _Controls()
        page.feed(text(client.get(url)))
        unlabelled = [
            c
            for c in page.controls
            if not c["_in_label"] and c.get("id") not in page.label_for and not c.get("aria-label")
        ]
        assert page.controls and unlabelled == [], (url, unlabelled)


def test_the_committed_finnish_catalog_is_complete_and_compiled():
    import gettext

    import polib

    locale = Path(__file__).resolve().parents[2] / "locale" / "fi" / "LC_MESSAGES"
    po = polib.pofile(str(locale / "django.po"))
    assert po.percent_translated() == 100
    with open(locale / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_editing_keeps_what_the_editor_does_not_show(logged_in, clerk, office, party):
    line = CostData(
        amount=2000,
        vat_percentage=Decimal(24),
        quantity=Decimal(3),
        discount=500,
        item_code="X-1",
        product_code="P-9",
        account_code="3000",
        description="Widgets",
    )
    invoice = make_draft(clerk, office, party, costs=[line])
    client = logged_in(clerk)
    page = client.get(f"/invoices/{invoice.id}/edit/")
    data = {}
    for form in [page.context["form"]]:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is not None and not field.disabled:
                data[name] = value
    formset = page.context["formset"]
    data.update(
        {
            "costs-TOTAL_FORMS": "1",
            "costs-INITIAL_FORMS": "1",
            "costs-MIN_NUM_FORMS": "0",
            "costs-MAX_NUM_FORMS": "500",
        }
    )
    for name in formset.forms[0].fields:
        value = formset.forms[0][name].value()
        if value not in (None, False):
            data[f"costs-0-{name}"] = "on" if value is True else value
    data["parties"] = [str(party.id)]
    data["issue_date"] = str(data["issue_date"])
    data["due_date"] = str(data["due_date"])
    totals = squash(text(client.post("/invoices/editor/totals/", data)))
    before = invoice.total_vat_included
    response = client.post(f"/invoices/{invoice.id}/edit/", data)
    assert response.status_code == 302, text(response)
    saved = invoice.lines.get()
    assert (saved.quantity, saved.item_code, saved.product_code, saved.account_code) == (
        Decimal(3),
        "X-1",
        "P-9",
        "3000",
    )
    assert saved.discount_amount.amount == Decimal("5.00")
    invoice.refresh_from_db()
    assert invoice.total_vat_included == before
    assert format_money(int(before.amount * 100), "EUR", "en") in totals


def test_the_invoice_page_shows_delivery_and_an_approver_can_send_again(
    logged_in,
    clerk,
    approver,
    office,
    party,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    from invoices.models import Delivery

    settings.MEDIA_ROOT = tmp_path
    invoice = make_draft(clerk, office, party)
    invoice_action(actor=clerk, invoice_id=invoice.id, action="LOCK")
    with django_capture_on_commit_callbacks(execute=True):
        invoice_action(actor=approver, invoice_id=invoice.id, action="APPROVE")
    clerk_page = text(logged_in(clerk).get(f"/invoices/{invoice.id}/"))
    assert 'data-testid="delivery"' in clerk_page
    assert "/resend/" not in clerk_page  # only approvers may send again
    client = logged_in(approver)
    assert "/resend/" in text(client.get(f"/invoices/{invoice.id}/"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/invoices/{invoice.id}/resend/", follow=True)
    assert response.status_code == 200
    assert "The invoice is being sent again." in text(response)
    assert Delivery.objects.filter(invoice=invoice).count() == 2
