"""The invoice, its lines, invoiced parties and payment accounts.

Amounts are django-money ``MoneyField`` columns that share the invoice's ``currency_code``
column; they are always whole minor units (the services round with ``invoices.money`` before
saving, so SQLite and PostgreSQL store the same value). ``status_code`` is a protected
django-fsm field: it changes only through transitions called by services.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import connection, models
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from djmoney.models.fields import MoneyField

from invoicing_project.errors import InvalidState
from offices.choices import PaymentTermsCode
from offices.models import AgencyOffice
from offices.validators import validate_bic, validate_iban
from parties.models import Party

from .choices import (
    ActionType,
    CostType,
    Direction,
    DocumentKind,
    DocumentStatus,
    InvoiceStatus,
    InvoiceType,
    InvoicingMethod,
    InvoicingReason,
)


def money_field(currency_field: str = "currency_code", **kwargs) -> MoneyField:
    """Exact decimal storage wide enough for 3-decimal currencies, sharing one currency column."""
    kwargs.setdefault("default", Decimal(0))
    return MoneyField(
        max_digits=19,
        decimal_places=3,
        default_currency="EUR",
        currency_field_name=currency_field,
        **kwargs,
    )


FINAL_STATES = frozenset({InvoiceStatus.APPROVED, InvoiceStatus.CREDITED})
# What may still change on an APPROVED or CREDITED invoice: bookkeeping, never its content.
MUTABLE_WHEN_FINAL = frozenset(
    {
        "status_code",  # APPROVED -> CREDITED only
        "is_paid",
        "paid_date",
        "invoice_document_id",
        "preview_invoice_document_id",
        "modified_at",
    }
)


class ImmutableInvoice(InvalidState):
    default_description = "An approved invoice cannot be changed; credit it instead."


class InvoiceQuerySet(models.QuerySet):
    """``update()`` refuses to change the content of approved invoices (a model-layer guard
    under the services; PostgreSQL has a trigger for the same rule below the ORM)."""

    def update(self, **kwargs):
        content = set(kwargs) - MUTABLE_WHEN_FINAL
        status = kwargs.get("status_code")
        if content or (status is not None and status != InvoiceStatus.CREDITED):
            final = self.filter(status_code__in=FINAL_STATES)
            if final.exists():
                raise ImmutableInvoice(
                    f"Invoice {final.first()} is {final.first().status_code}; "
                    f"{', '.join(sorted(content or {'status_code'}))} cannot change."
                )
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status_code__in=FINAL_STATES).exists():
            raise ImmutableInvoice("An approved invoice can never be deleted.")
        return super().delete()


class Invoice(ConcurrentTransitionMixin, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own here, nor on responsible_agent, created_at and invoice_number: each
    # is the leading column of a wider index (invoice_office_status; on PostgreSQL
    # invoice_agent_office, invoice_created_cover, invoice_number_desc_created, migration
    # 0008), which serves the same lookups; every index costs every insert (migration 0012).
    agency_office = models.ForeignKey(
        AgencyOffice, on_delete=models.PROTECT, related_name="invoices", db_index=False
    )
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.SALES)
    invoice_type_code = models.CharField(
        max_length=20, choices=InvoiceType.choices, default=InvoiceType.INVOICE
    )
    invoicing_reason_code = models.CharField(max_length=30, choices=InvoicingReason.choices)
    assignment_id = models.UUIDField(null=True, blank=True, db_index=True)
    trade_settlement_id = models.UUIDField(null=True, blank=True, db_index=True)
    rental_settlement_id = models.UUIDField(null=True, blank=True, db_index=True)
    realty_id = models.UUIDField(null=True, blank=True, db_index=True)
    commission_id = models.UUIDField(null=True, blank=True)
    responsible_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    invoicing_date = models.DateField(null=True, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)

    down_payment = money_field()
    deduction = money_field(help_text="Withholding (e.g. UK CIS) lowering the amount due.")

    discount_amount = money_field(null=True, blank=True, default=None)
    discount_includes_vat = models.BooleanField(default=True)
    discount_vat_percentage = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    discount_description = models.CharField(max_length=200, blank=True)

    source_system_code = models.CharField(max_length=50, blank=True)
    source_system_creation_time = models.DateTimeField(null=True, blank=True)

    payment_terms_code = models.CharField(
        max_length=20, choices=PaymentTermsCode.choices, default=PaymentTermsCode.NET_14
    )
    other_payment_terms_description = models.CharField(max_length=500, blank=True)
    late_payment_fee_percentage = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    notice_period = models.PositiveSmallIntegerField(null=True, blank=True)
    invoicing_method_code = models.CharField(
        max_length=20, choices=InvoicingMethod.choices, blank=True
    )
    e_invoicing_address = models.CharField(max_length=35, blank=True)
    e_invoicing_operator_id = models.CharField(max_length=35, blank=True)
    e_invoicing_operator_name = models.CharField(max_length=100, blank=True)

    billing_recipient = models.CharField(max_length=200, blank=True)
    billing_street_address = models.CharField(max_length=200, blank=True)
    billing_postcode = models.CharField(max_length=20, blank=True)
    billing_postal_area = models.CharField(max_length=100, blank=True)
    billing_country_code = models.CharField(max_length=2, blank=True)

    invoice_number = models.CharField(max_length=100, null=True, blank=True)
    reference_number = models.CharField(max_length=25, null=True, blank=True)
    sequence_number = models.PositiveIntegerField(null=True, blank=True, editable=False)

    status_code = FSMField(
        max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT, protected=True
    )
    is_paid = models.BooleanField(default=False)
    paid_date = models.DateField(null=True, blank=True)
    approved_date = models.DateField(null=True, blank=True)

    invoice_document_id = models.UUIDField(null=True, blank=True)
    preview_invoice_document_id = models.UUIDField(null=True, blank=True)

    credited_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    credit_note_reason = models.CharField(max_length=200, blank=True)

    customer_reference = models.CharField(
        max_length=100, blank=True, help_text="The buyer's own reference (order number, PO)."
    )
    note = models.TextField(blank=True)

    # Denormalised totals, written only by the services from invoices.tax.
    total_vat_excluded = money_field()
    total_vat = money_field()
    total_vat_included = money_field()
    amount_due = money_field()

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency_office", "invoice_number"],
                condition=models.Q(invoice_number__isnull=False),
                name="invoice_number_unique_per_office",
            ),
        ]
        indexes = [
            models.Index(fields=["agency_office", "status_code"], name="invoice_office_status"),
            # On PostgreSQL these two and modified_at's cover the office and creation time
            # (migration 0010): a date range is counted and sorted from the index alone.
            models.Index(fields=["issue_date"], name="invoice_issue_date"),
            models.Index(fields=["due_date"], name="invoice_due_date"),
            models.Index(fields=["invoicing_date"], name="invoice_invoicing_date"),
        ]

    def __str__(self) -> str:
        return self.invoice_number or f"draft {str(self.id)[:8]}"

    def save(self, *args, **kwargs):
        # Immutability guard (see _final_changes).
        changed = self._final_changes()
        if changed:
            raise ImmutableInvoice(
                f"Invoice {self} is {self._loaded['status_code']}; "
                f"{', '.join(sorted(changed))} cannot change."
            )
        super().save(*args, **kwargs)
        self._loaded = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}

    def delete(self, *args, **kwargs):
        if getattr(self, "_loaded", {}).get("status_code") in FINAL_STATES:
            raise ImmutableInvoice("An approved invoice can never be deleted.")
        return super().delete(*args, **kwargs)

    # --- Immutability guard: what was loaded is remembered, and a save that would change the
    # content of an APPROVED or CREDITED invoice raises ImmutableInvoice.

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._loaded = dict(zip(field_names, values, strict=False))
        return instance

    def _final_changes(self) -> set[str]:
        loaded = getattr(self, "_loaded", None)
        if not loaded or loaded.get("status_code") not in FINAL_STATES:
            return set()
        changed = set()
        for field in self._meta.concrete_fields:
            if field.attname in MUTABLE_WHEN_FINAL or field.attname not in loaded:
                continue
            current = field.get_db_prep_save(getattr(self, field.attname), connection)
            previous = field.get_db_prep_save(loaded[field.attname], connection)
            if current != previous:
                changed.add(field.name)
        if self.status_code != loaded["status_code"] and self.status_code != InvoiceStatus.CREDITED:
            changed.add("status_code")
        return changed

    # --- Lifecycle (django-fsm). Only services call these, inside transaction.atomic, after
    # locking the row; the services hold the rules (numbering, dates, audit, side effects).

    @transition(
        field=status_code, source=InvoiceStatus.DRAFT, target=InvoiceStatus.READY_FOR_APPROVAL
    )
    def lock(self) -> None:
        pass

    @transition(
        field=status_code,
        source=[InvoiceStatus.READY_FOR_APPROVAL, InvoiceStatus.REJECTED],
        target=InvoiceStatus.DRAFT,
    )
    def unlock(self) -> None:
        pass

    @transition(
        field=status_code, source=InvoiceStatus.READY_FOR_APPROVAL, target=InvoiceStatus.APPROVED
    )
    def approve(self) -> None:
        pass

    @transition(
        field=status_code, source=InvoiceStatus.READY_FOR_APPROVAL, target=InvoiceStatus.REJECTED
    )
    def reject(self) -> None:
        pass

    @transition(field=status_code, source=InvoiceStatus.APPROVED, target=InvoiceStatus.CREDITED)
    def mark_credited(self) -> None:
        pass

    @transition(
        field=status_code,
        source=[InvoiceStatus.DRAFT, InvoiceStatus.READY_FOR_APPROVAL, InvoiceStatus.REJECTED],
        target=RETURN_VALUE(InvoiceStatus.APPROVED, InvoiceStatus.CREDITED),
    )
    def override_final_status(self, status: str) -> str:
        return status

    @property
    def is_credit_note(self) -> bool:
        return self.invoice_type_code == InvoiceType.CREDIT_NOTE


class InvoiceLine(models.Model):
    """A cost (primary seed) or an item (other seeds): quantity x unit amount at a VAT rate."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    cost_type_code = models.CharField(
        max_length=30, choices=CostType.choices, default=CostType.OTHER
    )
    name = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=500, blank=True)
    item_code = models.CharField(max_length=50, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(1))
    unit_amount = money_field(currency_field="currency")
    includes_vat = models.BooleanField(default=False)
    vat_percentage = models.DecimalField(max_digits=5, decimal_places=2)
    reverse_charge = models.BooleanField(default=False)
    included_in_commission = models.BooleanField(default=False)
    discount_amount = money_field(
        currency_field="currency", help_text="A line discount off quantity x unit amount."
    )
    barcode = models.CharField(max_length=50, blank=True)
    product_code = models.CharField(max_length=50, blank=True)
    account_code = models.CharField(
        max_length=50, blank=True, help_text="The bookkeeping (GL) account the line posts to."
    )

    # Computed per line by invoices.tax (whole minor units).
    vat_excluded = money_field(currency_field="currency")
    vat = money_field(currency_field="currency")
    vat_included = money_field(currency_field="currency")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description or self.name or f"line {self.position}"


class InvoicePartyQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for link in objs:
            link.copy_office()
        return super().bulk_create(objs, *args, **kwargs)


class InvoiceParty(models.Model):
    # Neither key has an index of its own: invoice_party_unique leads with the invoice, and on
    # PostgreSQL invoiceparty_party_invoice_office with the party (migrations 0009, 0012).
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="invoiced_parties", db_index=False
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="invoice_links", db_index=False
    )
    # A copy of the invoice's agency office, so that a party search is scoped to the caller's
    # offices from the links alone (invoices.filters, docs/performance.md). Always the
    # invoice's: set here on save and bulk_create, and on PostgreSQL by a trigger on every
    # insert or update of a link and on a change of the invoice's office (migration 0009).
    agency_office = models.ForeignKey(
        AgencyOffice,
        on_delete=models.DO_NOTHING,
        related_name="+",
        editable=False,
        db_index=False,
        db_constraint=False,
    )
    is_primary = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    objects = InvoicePartyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "party"], name="invoice_party_unique"),
            models.UniqueConstraint(
                fields=["invoice"], condition=models.Q(is_primary=True), name="invoice_one_primary"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} ({'primary' if self.is_primary else 'party'})"

    def save(self, *args, **kwargs):
        self.copy_office()
        super().save(*args, **kwargs)

    def copy_office(self) -> None:
        """Take the invoice's agency office (no query when the invoice is loaded)."""
        self.agency_office_id = self.invoice.agency_office_id


class InvoicePaymentAccount(models.Model):
    """A payment account printed on the invoice (a copy, so later office edits do not alter it)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="payment_accounts")
    position = models.PositiveSmallIntegerField(default=0)
    bank_name = models.CharField(max_length=100, blank=True)
    iban = models.CharField(max_length=34, validators=[validate_iban])
    bic = models.CharField(max_length=11, blank=True, validators=[validate_bic])
    account_holder = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.iban


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only")

    def delete(self):
        raise TypeError("The audit trail is append-only")


class InvoiceEvent(models.Model):
    """One entry of an invoice's audit trail (append-only)."""

    # Indexed by invoice_event_invoice_time, which leads with it (migration 0012).
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    action_type_code = models.CharField(max_length=30, choices=ActionType.choices)
    from_status_code = models.CharField(max_length=20, choices=InvoiceStatus.choices, blank=True)
    to_status_code = models.CharField(max_length=20, choices=InvoiceStatus.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    time = models.DateTimeField(auto_now_add=True, db_index=True)
    request_id = models.CharField(max_length=36, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["time", "id"]
        indexes = [models.Index(fields=["invoice", "time"], name="invoice_event_invoice_time")]

    def __str__(self) -> str:
        return f"{self.action_type_code} {self.from_status_code or '-'} -> {self.to_status_code}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only")


def document_path(document: "Document", filename: str) -> str:
    return f"documents/{document.invoice_id}/{document.id}.pdf"


class Document(models.Model):
    """A rendered invoice PDF: a preview (many, all kept) or the final one (one per invoice).

    Created PENDING by a service and filled by the render task; the file name is derived from
    the document id, so a re-run of the task overwrites its own file and never makes a second.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by document_latest, which leads with it.
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="documents", db_index=False
    )
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    status = models.CharField(
        max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    content_hash = models.CharField(
        max_length=64, help_text="SHA-256 of everything the PDF shows (for preview reuse)."
    )
    file = models.FileField(upload_to=document_path, blank=True, max_length=200)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, default="application/pdf")
    size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"],
                condition=models.Q(kind="FINAL"),
                name="one_final_document_per_invoice",
            ),
        ]
        indexes = [models.Index(fields=["invoice", "kind", "-created_at"], name="document_latest")]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.filename or self.id}"


# --- Delivery and payment reminders (invoices.delivery, invoices.reminders) ---------------------


class DeliveryChannel(models.TextChoices):
    EINVOICING = "EINVOICING", "E-invoice (operator)"
    EMAIL = "EMAIL", "E-mail"
    PAPER = "PAPER", "Paper (print)"


class DeliveryStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    SENT = "SENT", "Sent"
    FAILED = "FAILED", "Failed"
    PRINT_QUEUED = "PRINT_QUEUED", "Queued for printing"


class DeliveryKind(models.TextChoices):
    INITIAL = "INITIAL", "On approval"
    RESEND = "RESEND", "Re-sent"


class Delivery(models.Model):
    """One sending of an approved invoice in one channel (made by ``invoices.delivery``).

    The message (Finvoice XML for e-invoicing) is built once, when the delivery is scheduled,
    and kept here, so every attempt and a re-send of this record send the same bytes. Exactly
    one INITIAL delivery per invoice; re-sends are new RESEND records.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="deliveries")
    kind = models.CharField(
        max_length=10, choices=DeliveryKind.choices, default=DeliveryKind.INITIAL
    )
    channel = models.CharField(max_length=20, choices=DeliveryChannel.choices)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    recipient = models.CharField(
        max_length=254, blank=True, help_text="E-invoicing address @ operator, or an e-mail."
    )
    content = models.TextField(blank=True, help_text="The message sent (Finvoice XML).")
    content_type = models.CharField(max_length=100, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    external_id = models.CharField(
        max_length=500, blank=True, help_text="What the transport reported (e.g. the file written)."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"],
                condition=models.Q(kind="INITIAL"),
                name="one_initial_delivery_per_invoice",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_status")]

    def __str__(self) -> str:
        return f"{self.channel} {self.status} {self.invoice_id}"


class Reminder(models.Model):
    """A payment reminder of an overdue invoice (made by ``invoices.reminders``).

    ``period`` is the reminder's number: reminder *n* falls due ``notice period + (n - 1) x
    interval`` days after the due date. One reminder per invoice and period (a constraint), so
    the daily task can run any number of times. Amounts are minor units of ``currency``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by one_reminder_per_invoice_period, which leads with it.
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="reminders", db_index=False
    )
    period = models.PositiveSmallIntegerField(help_text="Reminder number: 1, 2, ...")
    period_start = models.DateField(help_text="The day this reminder period began.")
    reminder_date = models.DateField()
    days_overdue = models.PositiveIntegerField()
    interest_rate = models.DecimalField(max_digits=6, decimal_places=3)
    interest_rate_basis = models.CharField(
        max_length=20, help_text="AGREED (the invoice's terms) or STATUTORY (Interest Act)."
    )
    currency = models.CharField(max_length=3, default="EUR")
    principal = models.BigIntegerField(help_text="The amount due, in minor units.")
    interest = models.BigIntegerField(help_text="Late-payment interest to date, minor units.")
    fee = models.BigIntegerField(default=0, help_text="Reminder fee, minor units.")
    total = models.BigIntegerField()
    new_due_date = models.DateField()
    channel = models.CharField(max_length=20, choices=DeliveryChannel.choices)
    recipient = models.CharField(max_length=254, blank=True)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invoice", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "period"], name="one_reminder_per_invoice_period"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder {self.period} of {self.invoice_id} ({self.status})"
