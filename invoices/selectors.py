"""Reads for invoices, always scoped to the offices the caller may see."""

import hashlib
from collections.abc import Mapping
from typing import NamedTuple
from uuid import UUID

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.expressions import RawSQL

from invoicing_project.errors import FieldError, NotFound, ValidationFailed
from offices.models import Agent
from offices.selectors import scope_to_offices, visible_office_ids

from .filters import InvoiceFilter, SearchHints
from .models import Invoice, InvoiceLine, InvoiceParty, InvoicePaymentAccount


def invoice_queryset(*, agent: Agent) -> QuerySet[Invoice]:
    """Invoices of the agent's offices, with what a response needs prefetched (constant queries)."""
    return scope_to_offices(
        Invoice.objects.select_related("agency_office"), agent
    ).prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "id")),
        Prefetch("invoiced_parties", queryset=InvoiceParty.objects.order_by("position", "id")),
        Prefetch(
            "payment_accounts", queryset=InvoicePaymentAccount.objects.order_by("position", "id")
        ),
    )


def invoice_get(*, agent: Agent, invoice_id: UUID) -> Invoice:
    invoice = invoice_queryset(agent=agent).filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(f"Invoice {invoice_id} was not found.")
    return invoice


def invoice_search(*, agent: Agent, params: Mapping) -> QuerySet[Invoice]:
    """Apply the seed's search filters and sort; raises ``ValidationFailed`` on bad parameters."""
    filterset = InvoiceFilter(
        params,
        queryset=invoice_queryset(agent=agent).order_by("-created_at", "id"),
        office_ids=visible_office_ids(agent),
    )
    if not filterset.is_valid():
        raise ValidationFailed(
            errors=[
                FieldError(name, "INVALID_VALUE", f"Request parameter {name} is invalid: {message}")
                for name, messages in filterset.errors.items()
                for message in messages
            ]
        )
    return filterset.qs


class SearchPage(NamedTuple):
    """One page of a search: ``total`` matches (``capped``: at least that many, see
    :func:`invoice_search_page`) and the ids of the page's invoices, in order."""

    total: int
    capped: bool
    ids: list[UUID]


# Up to this many matches a search is found, counted and sorted in one query.
FEW_MATCHES = 1_000
# The matches of a date range (``SearchHints.ranged``) are counted up to this many and, up to it,
# sorted to find the page, also above the cap, instead of walking the sort order.
RANGE_MATCHES = 50_000


def invoice_search_page(queryset: QuerySet[Invoice], *, start: int, size: int) -> SearchPage:
    """The number of matches of *queryset* (ordered, as ``invoice_search`` gives it) and the ids
    of one page of it.

    Matches are counted exactly only up to ``INVOICING_SEARCH_COUNT_CAP``: counting a million
    takes longer than a search may. Above the cap ``total`` is the cap and ``capped`` is true;
    the page itself is exact at any ``start``.

    * Few matches (up to ``FEW_MATCHES``): found with the filters' own indexes, counted and
      sorted in one query (a street or a party's invoices: the trigram or party index is read
      once).
    * Up to the cap: counted (from an index alone where one covers the filters), then the page
      is sorted out of the same bounded subquery, so PostgreSQL finds the matches with the
      filters' indexes, as it did to count them, and sorts at most the cap of them. Walking an
      index in sort order instead would pass over every row that does not match (a month of
      dates a year back: 200,000 of them).
    * More than the cap: the page is read in sort order, from an index alone where one covers
      it (``invoice_created_cover`` for the default order), however deep the page; the
      matches are dense enough for that walk to be short.
    * A date range (``SearchHints.ranged``) is counted first up to ``RANGE_MATCHES``, from its
      covering date index alone: its matches lie together in that index, maybe far down the
      sort order (a month a year back), where a walk would pass over 200,000 newer invoices.
      Up to that many, the page is sorted out of them (``total`` the cap above the cap); more
      are walked in sort order. (A wide range reads ``RANGE_MATCHES`` + 1 index entries to
      know, ~6 ms at a million invoices.)

    The filter's ``SearchHints`` (on *queryset*) can give the matches as ids read without the
    invoice table (a party-name or free-text search): they are counted first, from those.
    """
    cap = settings.INVOICING_SEARCH_COUNT_CAP
    plain = queryset.select_related(None).prefetch_related(None)
    hints = getattr(queryset, "search_hints", None) or SearchHints()
    if hints.matches is not None:
        return _page_by_matches(plain, hints, cap=cap, start=start, size=size)
    if hints.ranged and start < RANGE_MATCHES:
        matches = plain.order_by()[: RANGE_MATCHES + 1].count()
        if matches <= RANGE_MATCHES:
            return _sorted_page(plain, matches=matches, cap=cap, start=start, size=size)
        if cap < RANGE_MATCHES:
            return _walked_page(plain, hints, cap=cap, start=start, size=size)
    few = min(FEW_MATCHES, cap)
    if start < few:
        rows = _bounded_page(plain, bound=few + 1, start=start, size=size)
        if not rows and start == 0:
            return SearchPage(0, False, [])
        if rows and rows[0][-1] <= few:
            return SearchPage(rows[0][-1], False, _ids(rows))
    return _counted_page(plain, hints, cap=cap, start=start, size=size)


def _page_by_matches(
    plain: QuerySet[Invoice], hints: SearchHints, *, cap: int, start: int, size: int
) -> SearchPage:
    """A page of a search whose matches ``hints.matches`` gives as ids (PostgreSQL).

    One query reads the ids as they come, up to a tenth more than the cap (a ``DISTINCT`` or
    ``UNION`` would read every match before the first one: all of a common name's party
    links), counts the distinct ones and, when that is all of them and at most the cap, sorts
    the page out of them (``hints.scoped``: the caller's invoices, in order). More than the cap
    distinct ones mean "more": the same query then reads the page by walking the sort order
    (``hints.walk``). Only when the ids read hold at most the cap distinct ones but are not all
    (invoices with several matching parties) are the matches counted and sorted as any
    search's. Elsewhere (SQLite) they are too.
    """
    if connection.vendor != "postgresql":
        return _counted_page(plain, hints, cap=cap, start=start, size=size)
    read = cap + 1 + cap // 10
    page = (
        hints.scoped.select_related(None)
        .prefetch_related(None)
        .filter(pk__in=RawSQL("SELECT match_id FROM matches", ()))
        .values_list("pk", flat=True)[start : start + size]
    )
    walk = (plain if hints.walk is None else hints.walk).values_list("pk", flat=True)
    try:
        sql, params = hints.matches[:read].query.sql_with_params()
        page_sql, page_params = page.query.sql_with_params()
        walk_sql, walk_params = walk[start : start + size].query.sql_with_params()
    except EmptyResultSet:  # no offices to see
        return SearchPage(0, False, [])
    # Without parallel workers: the walk in sort order stops after a page's worth of matches,
    # and a Gather Merge first waits for every worker's first match (~40 -> ~26 ms of SQL for
    # a common name at a million invoices, docs/performance.md). SET LOCAL: this statement only.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(
            f"WITH seen(match_id) AS ({sql}), "
            "matches AS (SELECT DISTINCT match_id FROM seen), "
            "counts AS MATERIALIZED (SELECT (SELECT COUNT(*) FROM seen) AS seen, "
            "(SELECT COUNT(*) FROM matches) AS distinct_ids) "
            "SELECT seen, distinct_ids, CASE WHEN seen < %s AND distinct_ids <= %s "
            f"THEN ARRAY(SELECT page.pk FROM ({page_sql}) page(pk)) "
            f"WHEN distinct_ids > %s THEN ARRAY(SELECT walk.pk FROM ({walk_sql}) walk(pk)) "
            "END FROM counts",
            [*params, read, cap, *page_params, cap, *walk_params],
        )
        seen, distinct, ids = cursor.fetchone()
    if ids is None:
        return _counted_page(plain, hints, cap=cap, start=start, size=size)
    return SearchPage(min(distinct, cap), distinct > cap, _ids([(pk,) for pk in ids]))


def _counted_page(
    plain: QuerySet[Invoice], hints: SearchHints, *, cap: int, start: int, size: int
) -> SearchPage:
    """The matches of *plain* counted up to the cap, then sorted out of the bounded matches or,
    above the cap, read by walking the sort order (``hints.walk``, else *plain*'s)."""
    counted = plain.order_by()[: cap + 1].count()  # one over the cap: "the cap" or "more"
    if counted > cap:
        return _walked_page(plain, hints, cap=cap, start=start, size=size)
    return _sorted_page(plain, matches=counted, cap=cap, start=start, size=size)


def _walked_page(
    plain: QuerySet[Invoice], hints: SearchHints, *, cap: int, start: int, size: int
) -> SearchPage:
    """A page of more matches than the cap, read by walking the sort order (``hints.walk``,
    else *plain*'s): ``total`` is the cap."""
    walk = plain if hints.walk is None else hints.walk
    return SearchPage(cap, True, list(walk.values_list("pk", flat=True)[start : start + size]))


def _sorted_page(
    plain: QuerySet[Invoice], *, matches: int, cap: int, start: int, size: int
) -> SearchPage:
    """The page sorted out of all *matches* of *plain* (known to be few enough to sort);
    ``total`` is the cap when they are more."""
    total, capped = min(matches, cap), matches > cap
    if start >= matches:
        return SearchPage(total, capped, [])
    rows = _bounded_page(plain, bound=matches + 1, start=start, size=size)
    return SearchPage(total, capped, _ids(rows))


def _bounded_page(plain: QuerySet[Invoice], *, bound: int, start: int, size: int) -> list[tuple]:
    """Rows ``(pk, sort columns..., number of bounded matches)`` of one page, sorted (``plain``'s
    order, by column position) out of at most *bound* matches found in any order."""
    ordering = [str(term) for term in plain.query.order_by or Invoice._meta.ordering]
    columns = ["pk"]
    order = []
    for term in ordering:
        name = term.removeprefix("-")
        name = "pk" if name in {"pk", "id"} else name
        if name not in columns:
            columns.append(name)
        order.append(f"{columns.index(name) + 1} {'DESC' if term.startswith('-') else 'ASC'}")
    try:
        sql, params = plain.order_by().values_list(*columns)[:bound].query.sql_with_params()
    except EmptyResultSet:  # a filter that cannot match, e.g. no offices to see
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT matches.*, COUNT(*) OVER () FROM ({sql}) matches "
            f"ORDER BY {', '.join(order)} LIMIT %s OFFSET %s",
            [*params, size, start],
        )
        return cursor.fetchall()


def _ids(rows: list[tuple]) -> list[UUID]:
    to_uuid = Invoice._meta.pk.to_python  # SQLite gives the hex text
    return [to_uuid(row[0]) for row in rows]


def invoice_etag(invoice: Invoice) -> str:
    """A strong ETag for the invoice's representation: it changes with every save
    (``modified_at``) and with the system fields that are set without one."""
    parts = (
        invoice.id,
        invoice.modified_at.isoformat() if invoice.modified_at else "",
        invoice.invoice_document_id,
        invoice.preview_invoice_document_id,
    )
    return '"' + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32] + '"'


def etag_matches(if_match: str, etag: str) -> bool:
    """RFC 9110 If-Match: ``*`` or any listed tag equal to *etag* (weak tags never match)."""
    tags = [tag.strip() for tag in if_match.split(",")]
    return "*" in tags or etag in tags
