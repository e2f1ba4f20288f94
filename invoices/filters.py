"""The invoice search of the primary seed as a django-filter FilterSet (API and clerk UI).

Parameter names are the seed's. Array parameters repeat (``statusCode=DRAFT&statusCode=APPROVED``).
Date ranges are half-open: ``...After`` is on or after the date, ``...Before`` strictly before.
"""

import uuid
from collections.abc import Sequence
from typing import NamedTuple

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

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


class SearchHints(NamedTuple):
    """What :class:`InvoiceFilter` knows about a search that helps to page it
    (``invoices.selectors.invoice_search_page``); set as ``search_hints`` on the filtered
    queryset itself (a queryset derived from it has none).

    * ``matches``: the ids of every match (an id may repeat), already scoped to the caller's
      offices and read without the invoice table (the party links carry the office), or None.
      Set when the search is a party-name or free-text search alone, so that counting it up to
      the cap does not read an invoice per party link.
    * ``walk``: the same search written for a walk in sort order (a membership test per
      invoice instead of a join of every match), for a page of more matches than the cap; None:
      the queryset itself.
    * ``scoped``: with ``matches``, the caller's invoices in the search's order, unfiltered: a
      page of ids found in ``matches`` is read from it (so also within the office walls).
    * ``ranged``: a date range filters the search (``issueDate...``, ``dueDate...``,
      ``modifiedAfter``), so its matches lie together in one index range (a month a year back)
      rather than spread over the sort order: finding and sorting them all (up to a bound) is
      quicker than walking the sort order past everything newer, and counts them too.
    """

    matches: QuerySet | None = None
    walk: QuerySet | None = None
    scoped: QuerySet | None = None
    ranged: bool = False


class PerRowExists(Exists):
    """``EXISTS`` tested invoice by invoice as a walk in sort order reaches it. ``OFFSET 0``
    keeps PostgreSQL from turning it into a hash of every match built first (all the party
    links of a common name, where the walk needs only a page's worth of invoices)."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


RANGE_FILTERS = frozenset(
    {"issueDateAfter", "issueDateBefore", "dueDateAfter", "dueDateBefore", "modifiedAfter"}
)


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

    def __init__(self, *args, office_ids: Sequence | None = None, **kwargs):
        """*office_ids*: the offices whose invoices the queryset holds (None: every office),
        to scope the party-link arms of a search the way the queryset is scoped."""
        super().__init__(*args, **kwargs)
        self.office_ids = office_ids

    def filter_queryset(self, queryset):
        # Sorting last, after every filter.
        sort = self.form.cleaned_data.pop("sort", None)
        base = queryset
        queryset = super().filter_queryset(queryset)
        if sort:
            queryset = self.filters["sort"].filter(queryset, sort)
        queryset.search_hints = self._hints(base, sort)
        return queryset

    def _hints(self, base, sort) -> SearchHints:
        active = {
            name for name, value in self.form.cleaned_data.items() if value not in (None, "", [])
        }
        if active not in ({"partyName"}, {"freeTextSearch"}):
            return SearchHints(ranged=bool(active & RANGE_FILTERS))
        scoped = self.filters["sort"].filter(base, sort) if sort else base
        if active == {"partyName"}:
            value = self.form.cleaned_data["partyName"]
            matches = self._scoped_links(value).values("invoice_id")
            return SearchHints(matches=matches, scoped=scoped)
        value = self.form.cleaned_data["freeTextSearch"]  # the only other case
        own = self._own_matches(value)
        if self.office_ids is not None:
            own = own.filter(agency_office_id__in=self.office_ids)
        matches = self._scoped_links(value).values("invoice_id").union(own, all=True)
        matches = matches.order_by()
        walk = scoped.filter(
            PerRowExists(
                InvoiceParty.objects.filter(invoice=OuterRef("pk"), party__name__icontains=value)
            )
            | Q(invoice_number__icontains=value)
            | Q(billing_street_address__icontains=value)
        )
        return SearchHints(matches=matches, walk=walk, scoped=scoped)

    def _scoped_links(self, value: str) -> QuerySet:
        links = InvoiceParty.objects.filter(party__name__icontains=value).order_by()
        if self.office_ids is not None:
            links = links.filter(agency_office_id__in=self.office_ids)
        return links

    @staticmethod
    def _own_matches(value: str) -> QuerySet:
        return (
            Invoice.objects.filter(
                Q(invoice_number__icontains=value) | Q(billing_street_address__icontains=value)
            )
            .order_by()
            .values("id")
        )

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
        return queryset.filter(pk__in=party_matches.union(self._own_matches(value)))
