"""The invoice search of the primary seed as a django-filter FilterSet (API and clerk UI).

Parameter names are the seed's. Array parameters repeat (``statusCode=DRAFT&statusCode=APPROVED``).
Date ranges are half-open: ``...After`` is on or after the date, ``...Before`` strictly before.
"""

import uuid

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from .choices import Direction, InvoiceStatus, InvoiceType, InvoicingReason
from .models import Invoice, InvoiceParty

SORT_FIELDS = {
    "modificationTime": "modified_at",
    "invoicingDate": "invoicing_date",
    "issueDate": "issue_date",
    "dueDate": "due_date",
    "invoiceNumber": "invoice_number",
    "statusCode": "status_code",
}


class UUIDListField(forms.Field):
    widget = forms.SelectMultiple

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        out = []
        for item in values:
            try:
                out.append(uuid.UUID(str(item)))
            except ValueError as exc:
                raise forms.ValidationError(
                    f"'{item}' is not a valid UUID", code="invalid"
                ) from exc
        return out


class SortField(forms.Field):
    widget = forms.SelectMultiple

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ordering = []
        for item in values:
            name, _, direction = str(item).partition("|")
            if name not in SORT_FIELDS or direction not in {"asc", "desc"}:
                raise forms.ValidationError(
                    f"'{item}' is not a valid sort; use field|asc or field|desc with a field of "
                    f"{', '.join(SORT_FIELDS)}",
                    code="invalid",
                )
            column = SORT_FIELDS[name]
            ordering.append(f"-{column}" if direction == "desc" else column)
        return ordering


class UUIDListFilter(django_filters.Filter):
    """Repeated UUID parameters (``agencyOfficeId=a&agencyOfficeId=b``)."""

    field_class = UUIDListField

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__in": value}) if value else qs


class SortFilter(django_filters.Filter):
    field_class = SortField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.order_by(*value, "-created_at", "id")


class InvoiceFilter(django_filters.FilterSet):
    # distinct=False: these filter the invoice's own columns, so no row repeats; django-filter's
    # default SELECT DISTINCT cost 3 s on a million invoices (bench/, docs/performance.md).
    statusCode = django_filters.MultipleChoiceFilter(
        field_name="status_code", choices=InvoiceStatus.choices, distinct=False
    )
    invoiceTypeCode = django_filters.MultipleChoiceFilter(
        field_name="invoice_type_code", choices=InvoiceType.choices, distinct=False
    )
    invoicingReasonCode = django_filters.MultipleChoiceFilter(
        field_name="invoicing_reason_code", choices=InvoicingReason.choices, distinct=False
    )
    direction = django_filters.MultipleChoiceFilter(
        field_name="direction", choices=Direction.choices, distinct=False
    )
    invoiceNumber = django_filters.CharFilter(field_name="invoice_number", max_length=100)
    partyName = django_filters.CharFilter(method="filter_party_name", max_length=200)
    agencyOfficeId = UUIDListFilter(field_name="agency_office_id")
    assignmentId = django_filters.UUIDFilter(field_name="assignment_id")
    tradeSettlementId = django_filters.UUIDFilter(field_name="trade_settlement_id")
    rentalSettlementId = django_filters.UUIDFilter(field_name="rental_settlement_id")
    realtyId = django_filters.UUIDFilter(field_name="realty_id")
    partyId = django_filters.UUIDFilter(method="filter_party_id")
    responsibleAgentId = django_filters.UUIDFilter(field_name="responsible_agent_id")
    freeTextSearch = django_filters.CharFilter(
        method="filter_free_text", min_length=3, max_length=50
    )
    modifiedAfter = django_filters.IsoDateTimeFilter(field_name="modified_at", lookup_expr="gt")
    issueDateAfter = django_filters.DateFilter(field_name="issue_date", lookup_expr="gte")
    issueDateBefore = django_filters.DateFilter(field_name="issue_date", lookup_expr="lt")
    dueDateAfter = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    dueDateBefore = django_filters.DateFilter(field_name="due_date", lookup_expr="lt")
    isPaid = django_filters.TypedChoiceFilter(
        field_name="is_paid",
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
    )
    sort = SortFilter()

    class Meta:
        model = Invoice
        fields: list[str] = []

    def filter_queryset(self, queryset):
        # Sorting last, after every filter.
        sort = self.form.cleaned_data.pop("sort", None)
        queryset = super().filter_queryset(queryset)
        if sort:
            queryset = self.filters["sort"].filter(queryset, sort)
        return queryset

    def filter_party_name(self, queryset, name, value):
        return queryset.filter(
            Exists(
                InvoiceParty.objects.filter(invoice=OuterRef("pk"), party__name__icontains=value)
            )
        )

    def filter_party_id(self, queryset, name, value):
        return queryset.filter(
            Exists(InvoiceParty.objects.filter(invoice=OuterRef("pk"), party_id=value))
        )

    def filter_free_text(self, queryset, name, value):
        """Party name, invoice number, or the address invoiced (the assignment's address).

        Written as ``id IN (party-name matches UNION own-column matches)``: an ``OR`` of an
        ``EXISTS`` and two ``LIKE`` cannot use any index and scanned every invoice; each arm of
        the union uses its trigram index (migration 0008) on PostgreSQL. The arms are not
        scoped to the caller's offices; the outer queryset is.
        """
        party_matches = (
            InvoiceParty.objects.filter(party__name__icontains=value)
            .order_by()
            .values("invoice_id")
        )
        own_matches = (
            Invoice.objects.filter(
                Q(invoice_number__icontains=value) | Q(billing_street_address__icontains=value)
            )
            .order_by()
            .values("id")
        )
        return queryset.filter(pk__in=party_matches.union(own_matches))
