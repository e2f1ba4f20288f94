"""Admin for invoices: a support tool for drafts, read-only for everything past DRAFT.

Invoices are never added here (the services apply defaults and rules that a bare model form
would skip). A DRAFT may be corrected: the admin saves the edited fields and lines, then
``invoices.services.invoice_recalculate_totals`` recomputes every line figure and total from
the tax module. Server-owned fields (status, numbers, dates set by transitions, totals) are
always read-only; the status changes only through the lifecycle services. Deleting goes through
``invoices.services.invoice_delete``, so a numbered invoice is never deleted.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from djmoney.forms.fields import MoneyField as MoneyFormField

from invoicing_project.errors import Forbidden, InvalidState, NotFound
from offices.selectors import scope_to_offices

from . import tax
from .choices import InvoiceStatus
from .locks import lock_invoice
from .models import (
    Delivery,
    Document,
    Invoice,
    InvoiceEvent,
    InvoiceLine,
    InvoiceParty,
    InvoicePaymentAccount,
    Reminder,
)
from .money import to_major, to_minor
from .services import invoice_delete, invoice_recalculate_totals


def is_editable(invoice: Invoice | None) -> bool:
    """Whether the admin may change *invoice* (``None``: no particular invoice)."""
    return invoice is None or (
        invoice.status_code == InvoiceStatus.DRAFT and not invoice.is_credit_note
    )


class CurrencyLockedForm(forms.ModelForm):
    """Money inputs offer only the invoice's currency and take whole minor units only.

    An invoice and its lines share one currency; the tax module works in minor units.
    """

    def __init__(self, *args, currency: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency or self.instance_currency()
        choices = [(self.currency, self.currency)]
        for field in self.fields.values():
            if isinstance(field, MoneyFormField):
                field.fields[1].choices = choices
                field.widget.widgets[1].choices = choices

    def instance_currency(self) -> str:
        return self.instance.currency_code

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if not isinstance(field, MoneyFormField) or value is None:
                continue
            amount = Decimal(value.amount)
            if to_major(to_minor(amount, self.currency), self.currency) != amount:
                self.add_error(name, f"Use whole {self.currency} minor units (e.g. cents).")
        return cleaned


class InvoiceAdminForm(CurrencyLockedForm):
    """The admin supplies the model and fields (``InvoiceAdmin.fieldsets``)."""

    def clean(self):
        cleaned = super().clean()
        discount = cleaned.get("discount_amount")
        if discount is not None:
            try:
                tax.discount_line(
                    Decimal(discount.amount),
                    cleaned.get("discount_vat_percentage") or Decimal(0),
                    bool(cleaned.get("discount_includes_vat")),
                )
            except ValueError as exc:
                raise ValidationError(f"Discount: {exc}") from exc
        issue_date, due_date = cleaned.get("issue_date"), cleaned.get("due_date")
        if issue_date and due_date and due_date < issue_date:
            self.add_error("due_date", "The due date cannot be before the issue date.")
        return cleaned


class InvoiceLineAdminForm(CurrencyLockedForm):
    def instance_currency(self) -> str:
        return str(self.instance.unit_amount.currency)

    def clean(self):
        cleaned = super().clean()
        try:
            tax.LineInput(
                unit_amount=Decimal(0),
                vat_percentage=cleaned.get("vat_percentage") or Decimal(0),
                includes_vat=bool(cleaned.get("includes_vat")),
                reverse_charge=bool(cleaned.get("reverse_charge")),
            )
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        return cleaned


class InvoiceCurrencyFormSet(forms.BaseInlineFormSet):
    """Hands the invoice's currency to every line form (new rows have no invoice yet)."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "currency": self.instance.currency_code}


class InvoicePartyFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        primaries = 0
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            party = form.cleaned_data.get("party")
            if party is not None and party.office_id != self.instance.agency_office_id:
                form.add_error("party", "The party belongs to another agency office.")
            primaries += bool(form.cleaned_data.get("is_primary"))
        if primaries > 1:
            raise ValidationError("Only one invoiced party can be the primary one.")


class InvoiceChildInline(admin.TabularInline):
    """Lines, parties and accounts follow their invoice: editable only while it is a DRAFT."""

    extra = 0

    def has_add_permission(self, request, obj):
        return is_editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_editable(obj) and super().has_delete_permission(request, obj)


class InvoiceLineInline(InvoiceChildInline):
    model = InvoiceLine
    form = InvoiceLineAdminForm
    formset = InvoiceCurrencyFormSet
    fields = (
        "position",
        "cost_type_code",
        "name",
        "description",
        "item_code",
        "quantity",
        "unit_amount",
        "includes_vat",
        "vat_percentage",
        "reverse_charge",
        "included_in_commission",
        "vat_excluded",
        "vat",
        "vat_included",
    )
    readonly_fields = ("vat_excluded", "vat", "vat_included")

    def get_max_num(self, request, obj=None, **kwargs):
        return settings.INVOICING_MAX_LINES


class InvoicePartyInline(InvoiceChildInline):
    model = InvoiceParty
    formset = InvoicePartyFormSet
    fields = ("party", "is_primary", "position")
    autocomplete_fields = ("party",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("party")


class InvoicePaymentAccountInline(InvoiceChildInline):
    model = InvoicePaymentAccount
    fields = ("position", "bank_name", "iban", "bic", "account_holder")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceEventInline(ReadOnlyInline):
    """The audit trail, read-only (it is append-only everywhere)."""

    model = InvoiceEvent
    fields = (
        "time",
        "action_type_code",
        "from_status_code",
        "to_status_code",
        "agent",
        "request_id",
        "details",
    )
    readonly_fields = fields
    verbose_name_plural = "history (audit trail)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agent")


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ("created_at", "kind", "status", "filename", "size", "pages", "failure_reason")
    readonly_fields = fields


@admin.register(InvoiceEvent)
class InvoiceEventAdmin(admin.ModelAdmin):
    """Every audit event across invoices, read-only."""

    list_display = (
        "time",
        "invoice",
        "action_type_code",
        "from_status_code",
        "to_status_code",
        "agent",
    )
    list_filter = ("action_type_code", "to_status_code")
    search_fields = ("invoice__invoice_number", "request_id", "agent__username")
    list_select_related = ("invoice", "agent")
    date_hierarchy = "time"
    list_per_page = 50

    def get_queryset(self, request):
        return scope_to_offices(
            super().get_queryset(request), request.user, "invoice__agency_office_id"
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(InvoiceEventAdmin):
    """Rendered PDFs, read-only (they are made by the render task)."""

    list_display = (
        "created_at",
        "invoice",
        "kind",
        "status",
        "filename",
        "size",
        "pages",
        "attempts",
    )
    list_filter = ("kind", "status")
    search_fields = ("invoice__invoice_number", "filename", "sha256")
    list_select_related = ("invoice",)
    date_hierarchy = "created_at"


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    """Invoices are created through the API and UI services, never added here."""

    form = InvoiceAdminForm
    list_display = (
        "invoice_number",
        "status_code",
        "invoice_type_code",
        "agency_office",
        "issue_date",
        "due_date",
        "total_vat_included",
        "is_paid",
    )
    list_display_links = ("invoice_number", "status_code")
    search_fields = (
        "invoice_number",
        "reference_number",
        "invoiced_parties__party__name",
        "billing_recipient",
    )
    list_filter = (
        "status_code",
        "invoice_type_code",
        "invoicing_reason_code",
        "direction",
        "agency_office",
        "is_paid",
        "issue_date",
    )
    date_hierarchy = "issue_date"
    list_select_related = ("agency_office",)
    list_per_page = 50
    autocomplete_fields = ("responsible_agent",)
    readonly_fields = (
        "agency_office",
        "invoice_type_code",
        "currency_code",
        "status_code",
        "invoice_number",
        "reference_number",
        "sequence_number",
        "approved_date",
        "paid_date",
        "is_paid",
        "invoice_document_id",
        "preview_invoice_document_id",
        "credited_invoice",
        "total_vat_excluded",
        "total_vat",
        "total_vat_included",
        "amount_due",
        "created_at",
        "modified_at",
        "created_by",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("agency_office", "currency_code"),
                    ("invoice_type_code", "direction", "status_code"),
                    ("invoice_number", "reference_number", "sequence_number"),
                    "invoicing_reason_code",
                    "responsible_agent",
                )
            },
        ),
        (
            "Linked records",
            {
                "fields": (
                    "assignment_id",
                    "trade_settlement_id",
                    "rental_settlement_id",
                    "realty_id",
                    "commission_id",
                    "credited_invoice",
                    "credit_note_reason",
                )
            },
        ),
        (
            "Dates and payment",
            {
                "fields": (
                    ("invoicing_date", "issue_date", "due_date"),
                    ("approved_date", "is_paid", "paid_date"),
                )
            },
        ),
        (
            "Terms and delivery",
            {
                "fields": (
                    "payment_terms_code",
                    "other_payment_terms_description",
                    "late_payment_fee_percentage",
                    "notice_period",
                    "invoicing_method_code",
                    "e_invoicing_address",
                    "e_invoicing_operator_id",
                    "e_invoicing_operator_name",
                )
            },
        ),
        (
            "Billing address",
            {
                "fields": (
                    "billing_recipient",
                    "billing_street_address",
                    ("billing_postcode", "billing_postal_area", "billing_country_code"),
                )
            },
        ),
        (
            "Amounts",
            {
                "fields": (
                    "discount_amount",
                    ("discount_vat_percentage", "discount_includes_vat"),
                    "discount_description",
                    "down_payment",
                    "deduction",
                    ("total_vat_excluded", "total_vat", "total_vat_included", "amount_due"),
                )
            },
        ),
        (
            "Documents and origin",
            {
                "fields": (
                    "invoice_document_id",
                    "preview_invoice_document_id",
                    "source_system_code",
                    "source_system_creation_time",
                    ("created_by", "created_at", "modified_at"),
                )
            },
        ),
    )
    inlines = (
        InvoiceLineInline,
        InvoicePartyInline,
        InvoicePaymentAccountInline,
        DocumentInline,
        InvoiceEventInline,
    )

    def get_queryset(self, request):
        return scope_to_offices(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return is_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (not is_editable(obj) or obj.invoice_number):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Re-check under the row lock: a LOCK may have run since the form was loaded.
        current = lock_invoice(obj.pk)
        if not is_editable(current):
            raise PermissionDenied(
                f"Only a DRAFT invoice can be changed; this invoice is {current.status_code}."
            )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Totals always come from the tax module, never from what the admin typed.
        invoice_recalculate_totals(invoice_id=form.instance.pk)

    def get_deleted_objects(self, objs, request):
        # The audit events and previews of a deletable (never numbered) draft go with it
        # through invoice_delete; they are read-only here, which must not block the delete.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed -= {InvoiceEvent._meta.verbose_name, Document._meta.verbose_name}
        protected = [p for p in protected if not isinstance(p, Document)]
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        try:
            invoice_delete(actor=request.user, invoice_id=obj.pk)
        except (InvalidState, Forbidden, NotFound) as exc:
            raise PermissionDenied(exc.description) from exc

    def delete_queryset(self, request, queryset):
        for invoice in queryset:
            self.delete_model(request, invoice)


# --- Deliveries and payment reminders (invoices.delivery, invoices.reminders): read-only -------


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = (
        "created_at",
        "kind",
        "channel",
        "status",
        "recipient",
        "attempts",
        "sent_at",
        "error",
    )
    readonly_fields = fields


class ReminderInline(ReadOnlyInline):
    model = Reminder
    fields = (
        "period",
        "reminder_date",
        "days_overdue",
        "interest_rate",
        "interest_rate_basis",
        "interest",
        "total",
        "status",
        "sent_at",
    )
    readonly_fields = fields


InvoiceAdmin.inlines = (*InvoiceAdmin.inlines, DeliveryInline, ReminderInline)


@admin.register(Delivery)
class DeliveryAdmin(InvoiceEventAdmin):
    """Deliveries are made on approval; the only action is to send the invoice again."""

    list_display = (
        "created_at",
        "invoice",
        "kind",
        "channel",
        "status",
        "recipient",
        "attempts",
        "sent_at",
    )
    list_filter = ("channel", "status", "kind")
    search_fields = ("invoice__invoice_number", "recipient", "external_id")
    list_select_related = ("invoice",)
    date_hierarchy = "created_at"
    actions = ("resend",)

    @admin.action(description="Re-send the invoices of the selected deliveries")
    def resend(self, request, queryset):
        from .delivery import delivery_resend

        sent = 0
        for invoice_id in sorted(set(queryset.values_list("invoice_id", flat=True)), key=str):
            try:
                delivery_resend(actor=request.user, invoice_id=invoice_id)
            except (InvalidState, Forbidden, NotFound) as exc:
                self.message_user(request, exc.description, level="error")
            else:
                sent += 1
        if sent:
            self.message_user(request, f"{sent} invoice(s) queued for sending again.")


@admin.register(Reminder)
class ReminderAdmin(InvoiceEventAdmin):
    """Payment reminders, read-only (made by the daily reminder task)."""

    list_display = (
        "reminder_date",
        "invoice",
        "period",
        "days_overdue",
        "interest_rate",
        "interest",
        "total",
        "channel",
        "status",
    )
    list_filter = ("status", "channel", "interest_rate_basis")
    search_fields = ("invoice__invoice_number", "recipient")
    list_select_related = ("invoice",)
    date_hierarchy = "reminder_date"
