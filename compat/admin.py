"""Admin for the compat configuration (foreign ids, URL keys, tax rates, templates, GL accounts)
and the journal (read-only, with a CSV export action).

Journal entries are written only by ``compat.ledger`` when an invoice is approved, so the admin
never adds, changes or deletes them. A staff user who is not a superuser sees the entries and
the foreign ids of its own offices only.
"""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from offices.selectors import scope_to_offices

from . import ledger
from .models import (
    ExternalId,
    GlAccount,
    InvoiceTemplate,
    JournalEntry,
    JournalLine,
    OfficeUrlKey,
    TaxRate,
)


class OfficeScopedAdmin(admin.ModelAdmin):
    office_field = "office_id"

    def get_queryset(self, request):
        return scope_to_offices(super().get_queryset(request), request.user, self.office_field)


@admin.register(ExternalId)
class ExternalIdAdmin(OfficeScopedAdmin):
    list_display = ("system", "kind", "external_id", "office", "object_id", "created_at")
    list_filter = ("system", "kind", "office")
    search_fields = ("external_id", "object_id")
    readonly_fields = ("created_at", "modified_at")


@admin.register(OfficeUrlKey)
class OfficeUrlKeyAdmin(OfficeScopedAdmin):
    list_display = ("system", "url_key", "office", "gst_state")
    list_filter = ("system",)


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ("name", "percentage", "tax_id")
    search_fields = ("name", "tax_id")


@admin.register(InvoiceTemplate)
class InvoiceTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "days_due", "is_default", "template_id")


@admin.register(GlAccount)
class GlAccountAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "kind", "account_id")
    list_filter = ("kind",)
    search_fields = ("code", "title", "account_id")


class JournalLineInline(admin.TabularInline):
    model = JournalLine
    fields = ("position", "account", "description", "debit", "credit")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description="Export selected journal entries as CSV")
def export_csv(modeladmin, request, queryset):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="journal-entries.csv"'
    ledger.write_csv(response, queryset)
    return response


@admin.register(JournalEntry)
class JournalEntryAdmin(OfficeScopedAdmin):
    list_display = ("entry_date", "description", "office", "currency_code", "total", "invoice_link")
    list_filter = ("office", "entry_date")
    search_fields = ("description", "invoice__invoice_number")
    date_hierarchy = "entry_date"
    inlines = [JournalLineInline]
    actions = [export_csv]
    readonly_fields = (
        "id",
        "office",
        "invoice",
        "entry_date",
        "description",
        "currency_code",
        "created_by",
        "created_at",
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("office", "invoice")
            .prefetch_related("lines")
        )

    @admin.display(description="Debits = credits")
    def total(self, entry: JournalEntry) -> str:
        return str(sum((line.debit for line in entry.lines.all()), 0))

    @admin.display(description="Invoice")
    def invoice_link(self, entry: JournalEntry):
        url = reverse("admin:invoices_invoice_change", args=[entry.invoice_id])
        return format_html('<a href="{}">{}</a>', url, entry.invoice)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
