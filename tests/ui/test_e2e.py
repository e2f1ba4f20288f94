"""End to end in headless Chromium (Playwright for Python, Debian's /usr/bin/chromium).

One scenario through the whole clerk UI against ``live_server``: a clerk drafts an invoice with
three lines (rows added in place), locks it and logs out; the approver approves it, opens the
final PDF, and makes and approves a credit note; the other office's clerk sees none of it.
Screenshots of the main pages go to ``<pytest basetemp>/ui-screenshots/``.
"""

import os
import re
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from invoices import tax
from invoices.ui.display import format_money
from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
    pytest.mark.django_db(transaction=True),
]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # (fixtures, assertions) would otherwise be refused as "async unsafe".
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    _join_live_server_requests()


def _join_live_server_requests(timeout: float = 5.0) -> None:
    """Wait for the live server's request threads (kept alive by the browser) to end, so that
    their database connections are closed before the test database is dropped (PostgreSQL)."""
    for thread in threading.enumerate():
        target = getattr(thread, "_target", None)
        if getattr(target, "__name__", "") == "process_request_thread":
            thread.join(timeout)


@pytest.fixture
def shots(tmp_path_factory):
    folder = tmp_path_factory.getbasetemp() / "ui-screenshots"
    folder.mkdir(exist_ok=True)
    return folder


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def logout(page, base):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{base}/accounts/login/")


def test_draft_lock_approve_pdf_credit_and_office_walls(
    office, clerk, approver, other_clerk, party, live_server, shots, browser
):
    # The data fixtures come before ``browser``: once Playwright's event loop runs, the ORM
    # would use another (context-local) connection that outlives the test.
    from playwright.sync_api import expect

    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )

    # --- the clerk drafts an invoice with three lines and locks it --------------------------
    login(page, base, clerk.username)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.screenshot(path=shots / "dashboard.png", full_page=True)

    page.get_by_role("link", name="New invoice").first.click()
    expect(page.get_by_role("heading", name="New invoice")).to_be_visible()
    page.get_by_label("Find a party to add").fill(party.name[:5])
    page.locator("#party-results button", has_text=party.name).click()
    expect(page.locator("#party-chips li")).to_have_count(1)

    page.fill("#id_costs-0-description", "Commission for the sale")
    page.select_option("#id_costs-0-cost_type_code", "COMMISSION")
    page.fill("#id_costs-0-amount", "100,00")
    page.check("#id_costs-0-includes_vat")
    page.get_by_role("button", name="Add a line").click()
    page.fill("#id_costs-1-amount", "7,50")
    page.fill("#id_costs-1-description", "Photos")
    page.get_by_role("button", name="Add a line").click()
    page.fill("#id_costs-2-amount", "20")
    page.fill("#id_costs-2-description", "Keys")
    page.select_option("#id_costs-2-vat_choice", "14")
    expect(page.locator("#cost-rows .cost-row")).to_have_count(3)

    expected = tax.invoice_totals(
        [
            tax.LineInput(Decimal(10000), Decimal("25.5"), includes_vat=True),
            tax.LineInput(Decimal(750), Decimal("25.5")),
            tax.LineInput(Decimal(2000), Decimal(14)),
        ]
    )
    with_vat = format_money(int(expected.vat_included), "EUR", "en")
    expect(page.locator('#totals [data-total="vat_included"]')).to_have_text(with_vat)
    page.screenshot(path=shots / "editor.png", full_page=True)

    page.get_by_role("button", name="Save draft").click()
    expect(page.locator('[data-testid="status"]')).to_have_text("Draft")
    invoice_url = page.url
    assert re.search(r"/invoices/[0-9a-f-]{36}/$", invoice_url)
    expect(page.locator("table.data tbody tr")).to_have_count(3)
    page.locator('[data-action="LOCK"]').click()
    expect(page.locator('[data-testid="status"]')).to_have_text("Ready for approval")
    number = page.locator('[data-testid="invoice-number"]').inner_text()
    expect(page.locator('[data-action="APPROVE"]')).to_have_count(0)  # a clerk cannot
    logout(page, base)

    # --- the approver approves, opens the final PDF, credits the invoice -------------------
    login(page, base, approver.username)
    page.goto(invoice_url)
    page.locator('[data-action="APPROVE"]').click()
    expect(page.locator('[data-testid="status"]')).to_have_text("Approved")
    page.screenshot(path=shots / "detail.png", full_page=True)
    pdf_href = page.locator('[data-testid="final-pdf"]').get_attribute("href")
    pdf = page.request.get(f"{base}{pdf_href}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    page.get_by_label("Reason for the credit note").fill("Sale cancelled")
    page.get_by_role("button", name="Create credit note").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Credit note")
    expect(page.locator('[data-testid="status"]')).to_have_text("Draft")
    expect(page.locator('[data-testid="credited-invoice"]')).to_have_text(number)
    credit_number = page.locator('[data-testid="invoice-number"]').inner_text()
    page.locator('[data-action="LOCK"]').click()
    expect(page.locator('[data-testid="status"]')).to_have_text("Ready for approval")
    page.locator('[data-action="APPROVE"]').click()
    expect(page.locator('[data-testid="status"]')).to_have_text("Approved")
    page.locator('[data-testid="credited-invoice"]').click()
    expect(page.locator('[data-testid="status"]')).to_have_text("Credited")
    expect(page.locator('[data-testid="credit-note-link"]')).to_have_text(credit_number)

    page.goto(f"{base}/invoices/")
    expect(page.locator("#invoice-table")).to_contain_text(number)
    page.get_by_label("Status").select_option("CREDITED")  # htmx swaps the table in place
    expect(page.locator("#invoice-table tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"statusCode=CREDITED"))
    page.get_by_label("Status").select_option("")
    expect(page.locator("#invoice-table tbody tr")).to_have_count(2)
    page.screenshot(path=shots / "list.png", full_page=True)
    page.goto(f"{base}/parties/")
    expect(page.locator("table.data")).to_contain_text(party.name)
    page.screenshot(path=shots / "parties.png", full_page=True)
    logout(page, base)

    # --- the other office's clerk sees none of it -----------------------------------------
    login(page, base, other_clerk.username)
    page.goto(f"{base}/invoices/")
    table = page.locator("#invoice-table").inner_text()
    assert number not in table and credit_number not in table
    response = page.goto(invoice_url)
    assert response.status == 404
    assert page.request.get(f"{base}{pdf_href}").status == 404
    assert errors == []
