"""Invoice PDF rendering speed: one-page and three-page invoices, and PDFs per second.

    DJANGO_SETTINGS_MODULE=invoicing_project.settings .venv/bin/python bench/pdf_render.py

Sets Django up against a throw-away SQLite database (/tmp/bench-pdf.sqlite3, migrated anew),
creates the invoices through the services (create, then LOCK for a number and a reference),
and times ``render_pdf`` on their final (non-preview) render context:

* the median of 10 renders after 2 warm-ups, per invoice (wall clock, and CPU time), and the
  same for the preview of the one-page invoice (with its watermark);
* PDFs per second with one and with two worker processes, each rendering N PDFs of the
  one-page invoice from its context dict. xhtml2pdf holds a global render lock, so threads
  would not help: throughput scales with processes only.

Prints the results as JSON and writes them to bench/results-pdf.json.
"""

import json
import multiprocessing
import os
import platform
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_PATH = Path("/tmp/bench-pdf.sqlite3")
RESULTS = ROOT / "bench" / "results-pdf.json"
WARMUPS = 2
RUNS = 10
PER_PROCESS = 20


def setup_django() -> None:
    """Django against the throw-away database (set before setup, as settings read it)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "invoicing_project.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
    os.environ.setdefault("MEDIA_ROOT", "/tmp/bench-pdf-media")
    import django

    django.setup()


# --- data -----------------------------------------------------------------------------------------


def make_invoices() -> dict[str, dict]:
    """The render contexts of a one-page and a three-page invoice, made through the services."""
    from invoices import lifecycle, services
    from invoices.documents import invoice_queryset_unscoped
    from invoices.pdf import pdf_context
    from invoices.services import CostData, DiscountData, InvoiceData, PaymentAccountData
    from offices.choices import Role
    from offices.models import AgencyOffice, Agent, OfficeMembership
    from parties.models import Party

    office = AgencyOffice.objects.create(
        name="Kiinteistövälitys Äänekoski Oy",
        office_identifier="01",
        business_id="2331972-7",
        vat_number="FI23319727",
        street_address="Mannerheimintie 1",
        postcode="00100",
        postal_area="Helsinki",
        email="laskutus@example.fi",
        phone="+358 40 123 4567",
    )
    agent = Agent.objects.create(username="bench", first_name="Aino", last_name="Agentti")
    OfficeMembership.objects.create(office=office, agent=agent, role=Role.ADMIN)
    party = Party.objects.create(
        office=office,
        name="Matti Virtanen",
        street_address="Yliopistonkatu 55",
        postcode="33100",
        postal_area="Tampere",
        language="fi",
    )

    def data(costs, **extra) -> InvoiceData:
        fields = {
            "agency_office_id": office.id,
            "invoicing_reason_code": "OTHER",
            "responsible_agent_id": agent.id,
            "invoicing_date": date(2024, 2, 17),
            "issue_date": date(2024, 2, 17),
            "due_date": date(2024, 3, 2),
            "costs": costs,
            "party_ids": [party.id],
            "primary_party_id": party.id,
            "payment_accounts": [
                PaymentAccountData("FI2112345600000785", "DABAFIHH", "Danske Bank A/S")
            ],
            "payment_terms_code": "NET_14",
            "late_payment_fee_percentage": Decimal(16),
            "notice_period": 8,
            "invoicing_method_code": "EMAIL",
            "billing_recipient": party.name,
            "billing_street_address": party.street_address,
            "billing_postcode": party.postcode,
            "billing_postal_area": party.postal_area,
            "billing_country_code": "FI",
        }
        fields.update(extra)
        return InvoiceData(**fields)

    rate = Decimal("25.5")
    one_page = data(  # the primary seed example: three costs, a discount, a down payment
        [
            CostData(1000000, rate, True, "COMMISSION", "Commission for property sale", True),
            CostData(50000, rate, True, "DOCUMENT_MANAGEMENT", "Document handling fee"),
            CostData(75000, rate, True, "MARKETING", "Marketing expenses"),
        ],
        discount=DiscountData(100000, rate, True, "Early payment discount"),
        down_payment=250000,
    )
    three_pages = data(
        [
            CostData(
                10000 + i * 1234,
                rate if i % 3 else Decimal(14),
                i % 2 == 0,
                "OTHER",
                f"Photography and floor plan service, appointment {i + 1}",
                quantity=Decimal(1 + i % 4),
            )
            for i in range(40)
        ]
    )
    contexts = {}
    for name, invoice_data in (("one_page", one_page), ("three_pages", three_pages)):
        invoice = services.invoice_create(actor=agent, data=invoice_data)
        lifecycle.invoice_action(actor=agent, invoice_id=invoice.id, action="LOCK")
        invoice = invoice_queryset_unscoped().get(pk=invoice.pk)
        contexts[name] = pdf_context(invoice, preview=False)
    return contexts


# --- timing ---------------------------------------------------------------------------------------


def timed(context: dict) -> dict:
    """Median wall-clock and CPU milliseconds of RUNS renders after WARMUPS (CPU time is the
    steadier figure on a busy machine: other processes do not add to it)."""
    from invoices.pdf import render_pdf

    for _ in range(WARMUPS):
        rendered = render_pdf(context)
    wall, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        rendered = render_pdf(context)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {
        "pages": rendered.pages,
        "median_ms": round(statistics.median(wall), 1),
        "median_cpu_ms": round(statistics.median(cpu), 1),
    }


def _worker(context: dict, count: int, barrier, results) -> None:
    """One process: Django up, a warm-up render, then *count* renders timed together."""
    setup_django()
    from invoices.pdf import render_pdf

    render_pdf(context)
    barrier.wait()
    start = time.time()
    for _ in range(count):
        render_pdf(context)
    results.put((start, time.time()))


def pdfs_per_second(context: dict, processes: int) -> float:
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited DB handles
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(context, PER_PROCESS, barrier, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    spans = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
        if worker.exitcode:
            raise RuntimeError(f"a render worker exited with {worker.exitcode}")
    elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
    return round(processes * PER_PROCESS / elapsed, 2)


def main() -> dict:
    DB_PATH.unlink(missing_ok=True)
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    contexts = make_invoices()

    import reportlab
    import xhtml2pdf

    result = {
        "one_page": timed(contexts["one_page"]),
        "three_pages": timed(contexts["three_pages"]),
        "one_page_preview": timed({**contexts["one_page"], "preview": True}),
        "runs": RUNS,
        "warmups": WARMUPS,
        "pdfs_per_second": {
            "processes_1": pdfs_per_second(contexts["one_page"], 1),
            "processes_2": pdfs_per_second(contexts["one_page"], 2),
            "pdfs_per_process": PER_PROCESS,
            "invoice": "one_page",
        },
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
            "xhtml2pdf": getattr(xhtml2pdf, "__version__", "?"),
            "reportlab": reportlab.Version,
        },
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
