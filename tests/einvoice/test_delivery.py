"""Delivery on approval in the channel of the invoice's terms: the operator outbox for
e-invoices, e-mail with the PDF, the print queue for paper; retries, idempotency, re-send."""

import pytest

from invoices import delivery as delivery_service
from invoices.delivery_tasks import MAX_DELIVERY_RETRIES, deliver_invoice
from invoices.documents import document_render
from invoices.models import Delivery, Document
from tests.conftest import Api

from .conftest import approve, cost, draft, seed_like
from .transports import BrokenTransport, FlakyTransport, RecordingTransport

TRANSPORTS = "tests.einvoice.transports"


def outbox_files(tmp_path):
    folder = tmp_path / "outbox"
    return (
        sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []
    )


@pytest.fixture
def approve_on_commit(clerk, approver, office, django_capture_on_commit_callbacks):
    """Approve a new invoice and run what the approval enqueues (render, delivery)."""

    def run(party, costs=None, **fields):
        invoice = draft(clerk, office, party, costs or [cost(10000, includes_vat=True)], **fields)
        with django_capture_on_commit_callbacks(execute=True):
            approved = approve(clerk, approver, invoice)
        return approved

    return run


# --- e-invoicing --------------------------------------------------------------------------------


def test_approving_an_einvoicing_invoice_drops_exactly_one_finvoice_file_and_a_sent_delivery(
    approve_on_commit, party, tmp_path, validators
):
    invoice = approve_on_commit(party, **seed_like())
    files = outbox_files(tmp_path)
    assert len(files) == 1
    assert files[0].name.startswith(f"finvoice-invoice-{invoice.invoice_number}-")
    assert validators.finvoice_errors(files[0].read_bytes()) == []
    (delivery,) = Delivery.objects.filter(invoice=invoice)
    assert (delivery.channel, delivery.status, delivery.kind) == ("EINVOICING", "SENT", "INITIAL")
    assert delivery.attempts == 1
    assert delivery.recipient == "003702472382@E204503"
    assert delivery.external_id == str(files[0])
    assert delivery.content.encode() == files[0].read_bytes()
    assert delivery.sent_at is not None


def test_a_transport_that_fails_twice_is_retried_and_then_sent(
    approve_on_commit, party, settings, tmp_path
):
    settings.INVOICING_EINVOICE_TRANSPORT = f"{TRANSPORTS}.FlakyTransport"
    FlakyTransport.calls = []
    invoice = approve_on_commit(party, **seed_like())
    delivery = Delivery.objects.get(invoice=invoice)
    assert len(FlakyTransport.calls) == 3
    assert len(set(FlakyTransport.calls)) == 1  # every attempt sends the same message
    assert delivery.status == "SENT"
    assert delivery.attempts == 3
    assert delivery.error == ""
    assert len(outbox_files(tmp_path)) == 1


def test_a_transport_that_always_fails_leaves_a_failed_delivery_with_the_error(
    approve_on_commit, party, settings, tmp_path
):
    settings.INVOICING_EINVOICE_TRANSPORT = f"{TRANSPORTS}.BrokenTransport"
    BrokenTransport.calls = []
    invoice = approve_on_commit(party, **seed_like())
    delivery = Delivery.objects.get(invoice=invoice)
    assert len(BrokenTransport.calls) == MAX_DELIVERY_RETRIES + 1
    assert delivery.status == "FAILED"
    assert delivery.attempts == MAX_DELIVERY_RETRIES + 1
    assert "operator SFTP unreachable" in delivery.error
    assert outbox_files(tmp_path) == []


def test_running_the_delivery_task_again_does_not_send_twice(approve_on_commit, party, settings):
    settings.INVOICING_EINVOICE_TRANSPORT = f"{TRANSPORTS}.RecordingTransport"
    RecordingTransport.sent = []
    invoice = approve_on_commit(party, **seed_like())
    delivery = Delivery.objects.get(invoice=invoice)
    assert deliver_invoice.delay(str(delivery.id)).get() == "SENT"
    assert deliver_invoice.delay(str(delivery.id)).get() == "SENT"
    assert len(RecordingTransport.sent) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_a_second_approval_path_keeps_one_initial_delivery(clerk, approver, office, party):
    invoice = approve(clerk, approver, draft(clerk, office, party, **seed_like()))
    first = Delivery.objects.get(invoice=invoice)
    assert delivery_service.schedule_delivery(invoice) == first
    assert Delivery.objects.filter(invoice=invoice).count() == 1


# --- e-mail -------------------------------------------------------------------------------------


def test_email_invoice_is_sent_once_with_the_pdf_attached(approve_on_commit, company, mailoutbox):
    invoice = approve_on_commit(company, invoicing_method_code="EMAIL")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["laskut@asiakas.example"]
    assert invoice.invoice_number in message.subject
    assert message.subject.startswith("Lasku")  # the party's language (fi)
    ((filename, content, mimetype),) = message.attachments
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    assert filename == f"invoice-{invoice.invoice_number}.pdf"
    delivery = Delivery.objects.get(invoice=invoice)
    assert (delivery.channel, delivery.status, delivery.recipient) == (
        "EMAIL",
        "SENT",
        "laskut@asiakas.example",
    )


def test_email_waits_with_retries_while_the_final_pdf_is_pending(
    clerk, approver, office, company, mailoutbox, monkeypatch
):
    invoice = approve(
        clerk, approver, draft(clerk, office, company, [cost(5000)], invoicing_method_code="EMAIL")
    )  # on-commit work not run: the PDF is PENDING
    document = Document.objects.get(invoice=invoice, kind="FINAL")
    assert document.status == "PENDING"
    delivery = Delivery.objects.get(invoice=invoice)
    checks = []
    original = delivery_service._invoice_for_sending

    def render_on_third_look(invoice_id):
        checks.append(invoice_id)
        if len(checks) == 3:  # the render task finishes meanwhile
            document_render(document_id=document.id)
        return original(invoice_id)

    monkeypatch.setattr(delivery_service, "_invoice_for_sending", render_on_third_look)
    assert deliver_invoice.delay(str(delivery.id)).get() == "SENT"
    assert len(checks) == 3
    assert len(mailoutbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == "SENT"
    assert delivery.attempts == 1  # waiting is not a failed attempt


def test_email_without_an_address_fails_at_once_with_the_reason(
    approve_on_commit, office, mailoutbox
):
    from ..factories import PartyFactory

    nobody = PartyFactory(office=office, name="No Mail", email="")
    invoice = approve_on_commit(nobody, invoicing_method_code="EMAIL")
    delivery = Delivery.objects.get(invoice=invoice)
    assert delivery.status == "FAILED"
    assert "no e-mail address" in delivery.error
    assert mailoutbox == []


# --- paper --------------------------------------------------------------------------------------


def test_paper_invoice_is_queued_for_printing(approve_on_commit, party, mailoutbox, tmp_path):
    invoice = approve_on_commit(party, invoicing_method_code="PAPER")
    delivery = Delivery.objects.get(invoice=invoice)
    assert (delivery.channel, delivery.status) == ("PAPER", "PRINT_QUEUED")
    assert "Yliopistonkatu 55" in delivery.recipient
    assert mailoutbox == []
    assert outbox_files(tmp_path) == []


# --- the API: list and re-send ------------------------------------------------------------------


def test_deliveries_are_listed_and_an_approver_can_resend(
    approve_on_commit, party, approver, clerk, tmp_path, django_capture_on_commit_callbacks
):
    invoice = approve_on_commit(party, **seed_like())
    path = f"/api/v1/invoices/{invoice.id}/deliveries"
    listed = Api(clerk).get(path)
    assert listed.status_code == 200
    (first,) = listed.json()["deliveries"]
    assert first["statusCode"] == "SENT"
    assert first["channelCode"] == "EINVOICING"
    assert first["deliveryTypeCode"] == "INITIAL"

    assert Api(clerk).post(path).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        resent = Api(approver).post(path)
    assert resent.status_code == 202, resent.json()
    body = resent.json()
    assert body["deliveryTypeCode"] == "RESEND"
    assert body["statusCode"] == "PENDING"  # accepted; the sending runs on commit
    assert body["requestedById"] == str(approver.id)
    assert resent["Location"] == path
    assert len(outbox_files(tmp_path)) == 2
    deliveries = Api(clerk).get(path).json()["deliveries"]
    assert [(d["deliveryTypeCode"], d["statusCode"]) for d in deliveries] == [
        ("INITIAL", "SENT"),
        ("RESEND", "SENT"),
    ]


def test_resend_of_a_draft_is_409_and_another_offices_invoice_is_404(
    clerk, approver, office, party, api_for, other_office, other_party
):
    from ..factories import member

    mine = draft(clerk, office, party, [cost(1000)])
    response = Api(approver).post(f"/api/v1/invoices/{mine.id}/deliveries")
    assert response.status_code == 409
    assert response.json()["errorCode"] == "INVALID_STATE"
    other_clerk = member(other_office, "CLERK", username="someone.else")
    theirs = draft(other_clerk, other_office, other_party, [cost(1000)])
    assert Api(approver).get(f"/api/v1/invoices/{theirs.id}/deliveries").status_code == 404
    assert Api(approver).post(f"/api/v1/invoices/{theirs.id}/deliveries").status_code == 404


def test_purchase_invoices_are_not_sent(clerk, approver, office, party):
    invoice = approve(
        clerk, approver, draft(clerk, office, party, [cost(1000)], direction="PURCHASE")
    )
    assert not Delivery.objects.filter(invoice=invoice).exists()


# --- the admin ----------------------------------------------------------------------------------


def test_admin_lists_deliveries_and_resends_them(
    client, approve_on_commit, party, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from offices.models import Agent

    client.force_login(Agent.objects.create_superuser("root", "root@example.com", "pw-123456"))
    invoice = approve_on_commit(party, **seed_like())
    url = reverse("admin:invoices_delivery_changelist")
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:invoices_reminder_changelist")).status_code == 200
    change = reverse("admin:invoices_invoice_change", args=[invoice.id])
    assert client.get(change).status_code == 200
    delivery = Delivery.objects.get(invoice=invoice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "resend", "_selected_action": [str(delivery.id)]}, follow=True
        )
    assert response.status_code == 200
    assert Delivery.objects.filter(invoice=invoice, kind="RESEND", status="SENT").count() == 1
