"""The dashboard: open receivables, overdue amount, what waits for approval, an aging chart,
the invoiced amount per month, and recent activity, for the agent's offices only.

Figures come from three aggregate queries (receivables and counts, months, recent events),
whatever the number of invoices. Definitions (docs/ui.md):

* open receivables: the amount due of APPROVED, unpaid invoices (credit notes are not
  receivables; an approved credit note turns its invoice CREDITED, which leaves the sum);
* overdue: those whose due date is before today; aging buckets by days past the due date
  (1-14 days falls into "0-14", then 15-30, 31-60, over 60); an invoice due today or later is
  "not yet due";
* invoiced per month: the VAT-included total of APPROVED and CREDITED invoices and credit notes
  by issue month (an approved credit note counts negative, so a month shows what stays invoiced),
  the last 12 months including this one.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from offices.selectors import scope_to_offices

from ..choices import InvoiceStatus, InvoiceType
from ..models import Invoice, InvoiceEvent
from ..money import to_minor
from .display import EVENT_LABELS, STATUS_LABELS, Amount, agent_name, label

AGING_BUCKETS = (
    # key, label, days past due from, to (inclusive); None = open-ended
    ("not_due", _("Not yet due"), None, 0),
    ("days_0_14", _("0–14 days"), 1, 14),
    ("days_15_30", _("15–30 days"), 15, 30),
    ("days_31_60", _("31–60 days"), 31, 60),
    ("days_over_60", _("Over 60 days"), 61, None),
)


def _bucket_filter(today: date, low: int | None, high: int | None) -> Q:
    """Days past due in ``[low, high]`` as a due-date condition (``days = today - due``)."""
    condition = Q()
    if high is not None:
        condition &= Q(due_date__gte=today - timedelta(days=high))
    if low is not None:
        condition &= Q(due_date__lte=today - timedelta(days=low))
    if low is None:
        condition |= Q(due_date__isnull=True)
    return condition


@dataclass(frozen=True)
class CurrencyFigures:
    currency: str
    open_receivables: Amount
    overdue: Amount
    open_count: int
    overdue_count: int


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    amount: Amount
    title: str = ""


@dataclass(frozen=True)
class Dashboard:
    currencies: list[CurrencyFigures]
    waiting_for_approval: int
    aging: list[Bar]
    monthly: list[Bar]
    chart_currency: str
    events: list


def _minor(value, currency: str) -> int:
    return to_minor(Decimal(value or 0), currency)


def _month_starts(today: date, count: int = 12) -> list[date]:
    year, month = today.year, today.month
    months = []
    for _i in range(count):
        months.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def dashboard_figures(*, agent, today: date | None = None, events: int = 10) -> Dashboard:
    today = today or timezone.localdate()
    chart_currency = settings.DEFAULT_CURRENCY
    invoices = scope_to_offices(Invoice.objects.all(), agent)
    open_q = Q(
        status_code=InvoiceStatus.APPROVED,
        is_paid=False,
        invoice_type_code=InvoiceType.INVOICE,
    )
    overdue_q = open_q & Q(due_date__lt=today)
    aggregates = {
        "open_sum": Sum("amount_due", filter=open_q),
        "open_count": Count("id", filter=open_q),
        "overdue_sum": Sum("amount_due", filter=overdue_q),
        "overdue_count": Count("id", filter=overdue_q),
        "waiting": Count("id", filter=Q(status_code=InvoiceStatus.READY_FOR_APPROVAL)),
    }
    for key, _label, low, high in AGING_BUCKETS:
        aggregates[key] = Sum("amount_due", filter=open_q & _bucket_filter(today, low, high))
    rows = list(invoices.values("currency_code").annotate(**aggregates).order_by("currency_code"))

    currencies = [
        CurrencyFigures(
            currency=row["currency_code"],
            open_receivables=Amount(
                _minor(row["open_sum"], row["currency_code"]), row["currency_code"]
            ),
            overdue=Amount(_minor(row["overdue_sum"], row["currency_code"]), row["currency_code"]),
            open_count=row["open_count"],
            overdue_count=row["overdue_count"],
        )
        for row in rows
        if row["open_count"] or row["currency_code"] == chart_currency
    ]
    if not any(c.currency == chart_currency for c in currencies):
        currencies.insert(
            0,
            CurrencyFigures(
                chart_currency, Amount(0, chart_currency), Amount(0, chart_currency), 0, 0
            ),
        )
    currencies.sort(key=lambda c: (c.currency != chart_currency, c.currency))
    chart_row = next((r for r in rows if r["currency_code"] == chart_currency), {})
    aging = [
        Bar(key, str(text), Amount(_minor(chart_row.get(key), chart_currency), chart_currency))
        for key, text, _low, _high in AGING_BUCKETS
    ]

    months = _month_starts(today)
    sums = {
        (row["month"].date() if hasattr(row["month"], "date") else row["month"]): row["total"]
        for row in invoices.filter(
            status_code__in=[InvoiceStatus.APPROVED, InvoiceStatus.CREDITED],
            currency_code=chart_currency,
            issue_date__gte=months[0],
            issue_date__lte=today,
        )
        .annotate(month=TruncMonth("issue_date"))
        .values("month")
        .annotate(total=Sum("total_vat_included"))
        .order_by("month")
    }
    monthly = [
        Bar(
            month.isoformat()[:7],
            date_format(month, "M"),
            Amount(_minor(sums.get(month), chart_currency), chart_currency),
            title=date_format(month, "YEAR_MONTH_FORMAT"),
        )
        for month in months
    ]

    recent = list(
        scope_to_offices(InvoiceEvent.objects.all(), agent, field="invoice__agency_office_id")
        .select_related("invoice", "agent")
        .order_by("-time", "-id")[:events]
    )
    return Dashboard(
        currencies=currencies,
        waiting_for_approval=sum(row["waiting"] for row in rows),
        aging=aging,
        monthly=monthly,
        chart_currency=chart_currency,
        events=recent,
    )


# --- inline SVG bar charts ---------------------------------------------------------------------

CHART_WIDTH = 640
CHART_HEIGHT = 220
PLOT_TOP = 28
PLOT_BOTTOM = 184


def _svg(value: float) -> str:
    """A coordinate as text: templates would localize a float (``12,5`` in Finnish)."""
    return f"{value:.1f}"


def bar_chart(bars: list[Bar], *, highlight_from: int | None = None) -> dict:
    """Geometry of a bar chart (viewBox units) for ``templates/ui/_bar_chart.html``.

    Negative values (a month with more credit than invoicing) draw no bar; the figure stays in
    the title and the table.
    """
    count = max(len(bars), 1)
    slot = CHART_WIDTH / count
    width = min(slot * 0.62, 84)
    top = max((b.amount.minor for b in bars), default=0)
    scale = (PLOT_BOTTOM - PLOT_TOP) / top if top > 0 else 0
    items = []
    for index, bar in enumerate(bars):
        height = max(bar.amount.minor, 0) * scale
        if bar.amount.minor > 0:
            height = max(height, 2)
        x = index * slot + (slot - width) / 2
        items.append(
            {
                "bar": bar,
                "x": _svg(x),
                "y": _svg(PLOT_BOTTOM - height),
                "width": _svg(width),
                "height": _svg(height),
                "center": _svg(x + width / 2),
                "value_y": _svg(PLOT_BOTTOM - height - 8),
                "tone": "alert"
                if highlight_from is not None and index >= highlight_from and bar.amount.minor
                else "",
            }
        )
    return {
        "items": items,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": PLOT_BOTTOM,
        "label_y": PLOT_BOTTOM + 22,
        "grid": [_svg(PLOT_TOP + (PLOT_BOTTOM - PLOT_TOP) * i / 4) for i in range(4)],
    }


@login_required
def dashboard(request):
    figures = dashboard_figures(agent=request.user)
    events = [
        {
            "event": event,
            "label": label(EVENT_LABELS, event.action_type_code),
            "status": label(STATUS_LABELS, event.to_status_code),
            "agent": agent_name(event.agent),
        }
        for event in figures.events
    ]
    return render(
        request,
        "ui/dashboard.html",
        {
            "figures": figures,
            "primary": figures.currencies[0],
            "other_currencies": figures.currencies[1:],
            "aging_chart": bar_chart(figures.aging, highlight_from=1),
            "monthly_chart": bar_chart(figures.monthly),
            "events": events,
            "nav": "dashboard",
        },
    )
