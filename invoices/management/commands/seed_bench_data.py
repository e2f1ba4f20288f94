"""``manage.py seed_bench_data --invoices N``: fill PostgreSQL with N realistic invoices, fast.

For the performance benchmark (``make bench``, ``bench/``), not for demos. It first **empties**
the offices, agents, parties and invoices tables, then writes:

* offices (``--offices``, default one per 50 000 invoices, at least 4), each with a payment
  account, three agents (clerk, approver, admin) and parties (people and organisations with
  addresses, e-mail or e-invoicing addresses); ``--clients`` bench agents ``bench.client1`` ...
  are approvers in every office (the load generator issues them tokens);
* invoices over the last five years in every state: DRAFT and READY_FOR_APPROVAL mostly recent,
  APPROVED (most paid after their due date), REJECTED, and CREDITED with their approved credit
  notes (negated lines, ``credited_invoice``); each with 1-2 parties, ``--lines`` cost lines,
  the office's payment account and its audit trail (CREATE, LOCK, APPROVE, REJECT, CREDIT,
  MARK_AS_PAID with the invoice's times).

How it is fast (see ``docs/performance.md``): worker processes, each owning a disjoint set of
offices, ``COPY`` (psycopg 3 ``cursor.copy()``) the invoices, their party links and, per
invoice, a staging row (its line template ids, office, agent, times and state flags); the
lines, payment accounts and audit events are then expanded inside PostgreSQL with
``INSERT ... SELECT`` from the staging rows alone (never joining the growing invoice table,
which made the load quadratic). The plain indexes of the invoice and party tables, and the
primary keys and unique constraints of the tables no foreign key points at (lines, events,
party links, payment accounts), are dropped during the load and rebuilt after it on two
connections, largest tables first (their definitions are kept in a table until then, so an
interrupted run rebuilds them next time). At the end every table is analysed, as autovacuum
would have done in production. The search reads the invoice, party-link, party and office
tables with index-only scans, which need the visibility map: the parties, agents, memberships
and office accounts are loaded with ``COPY ... FREEZE`` in the transaction that empties them
(all-visible from the start); the invoices and their party links (loaded by both workers at
once, which FREEZE cannot do) and the offices (updated after the load) are vacuumed. Lines,
events and payment accounts, only ever read whole by invoice, are not.

Figures are exact: each line is one of a pool of line templates priced by the real tax module
(``invoices.tax.line_amounts``, half-up per line), and an invoice's totals are the sums of its
lines' figures. Numbered invoices carry ``{year}{officeIdentifier}{sequence:05d}`` and the
Finnish reference built from it (``invoices.references``); per office the sequence is
gap-free, follows creation time, and the office's ``next_sequence_number`` is set after it.
APPROVED and CREDITED invoices are inserted in their final state: as a superuser the load runs
with ``session_replication_role = replica`` (no triggers, no foreign-key checks: the data is
consistent by construction, as in a ``pg_dump`` restore); otherwise the line trigger that
refuses lines of approved invoices is disabled inside the expanding transaction only, and the
foreign keys are checked. The same ``--seed`` (and day) gives the same data.

Refuses unless the database is PostgreSQL and its name contains ``bench`` (or ``--force``).
"""

import math
import multiprocessing
import random
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils import timezone
from stdnum import iban as iban_std
from stdnum import luhn

from invoices.references import reference_from_invoice_number
from invoices.tax import LineInput, line_amounts
from offices.choices import Role

YEARS = 5
INVOICES_PER_OFFICE = 50_000
BENCH_CLIENT_PREFIX = "bench.client"
VAT_CHANGE = date(2024, 9, 1)  # Finnish general VAT 24 % -> 25.5 %

# Emptied before seeding (TRUNCATE ... CASCADE).
TABLES = [
    "invoices_document",
    "invoices_invoiceevent",
    "invoices_invoiceline",
    "invoices_invoiceparty",
    "invoices_invoicepaymentaccount",
    "invoices_invoice",
    "parties_party",
    "offices_apitoken",
    "offices_idempotencyrecord",
    "offices_officemembership",
    "offices_officepaymentaccount",
    "offices_agencyoffice",
    "offices_agent",
]
VACUUMED_TABLES = [
    "invoices_invoiceline",
    "invoices_invoice",
    "invoices_invoiceevent",
    "invoices_invoiceparty",
    "invoices_invoicepaymentaccount",
    "parties_party",
    "offices_officemembership",
    "offices_officepaymentaccount",
    "offices_agencyoffice",
    "offices_agent",
]
# The big tables, largest first: their plain indexes are dropped during the load.
INDEXED_TABLES = VACUUMED_TABLES[:6]
# Of those, the ones no foreign key points at: their primary keys and unique constraints too.
CONSTRAINED_TABLES = [t for t in INDEXED_TABLES if t not in ("invoices_invoice", "parties_party")]
# Filled with COPY ... FREEZE in the transaction that empties them (the setup), so their rows
# are frozen and their pages all-visible from the start: ANALYZE without VACUUM at the end.
# (The offices are not: their next_sequence_number is updated after the load.)
FROZEN_TABLES = [
    "parties_party",
    "offices_officemembership",
    "offices_officepaymentaccount",
    "offices_agent",
]
# Only read whole, by invoice (no index-only scans), or frozen: ANALYZE without VACUUM at the
# end.
ANALYZED_ONLY = [
    "invoices_invoiceline",
    "invoices_invoiceevent",
    "invoices_invoicepaymentaccount",
    *FROZEN_TABLES,
]
DROPPED_INDEXES_TABLE = "seed_bench_dropped_indexes"
LINE_REFS_TABLE = "seed_bench_line_refs"
TEMPLATES_TABLE = "seed_bench_line_templates"


def words(text: str) -> list[str]:
    return text.split()


CITIES = [
    ("Helsinki", "00100"),
    ("Espoo", "02100"),
    ("Tampere", "33100"),
    ("Vantaa", "01300"),
    ("Oulu", "90100"),
    ("Turku", "20100"),
    ("Jyväskylä", "40100"),
    ("Lahti", "15110"),
    ("Kuopio", "70100"),
    ("Pori", "28100"),
    ("Kouvola", "45100"),
    ("Joensuu", "80100"),
    ("Lappeenranta", "53100"),
    ("Hämeenlinna", "13100"),
    ("Vaasa", "65100"),
    ("Seinäjoki", "60100"),
    ("Rovaniemi", "96100"),
    ("Mikkeli", "50100"),
    ("Kotka", "48100"),
    ("Salo", "24100"),
    ("Porvoo", "06100"),
    ("Kokkola", "67100"),
    ("Hyvinkää", "05800"),
    ("Lohja", "08100"),
    ("Järvenpää", "04400"),
    ("Rauma", "26100"),
    ("Kajaani", "87100"),
    ("Kerava", "04200"),
    ("Savonlinna", "57100"),
    ("Nokia", "37100"),
]
FIRST_NAMES = words(
    "Aino Anna Antti Eero Eino Elina Emma Heikki Helmi Ilkka Jari Johanna Juha Jukka Kaisa "
    "Kalle Katja Laura Leena Liisa Marja Markku Matti Mika Mikko Minna Niko Olli Outi Paula "
    "Pekka Petri Riikka Sami Sanna Satu Seppo Sofia Teemu Timo Tuomas Tuula Ville Aleksi Veera "
    "Oskari Iida Leo Eetu Noora"
)
LAST_NAMES = words(
    "Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen "
    "Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen Turunen "
    "Salo Laitinen Tuominen Rantanen Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen "
    "Leinonen Hiltunen Kettunen Miettinen Aaltonen Pitkänen Lindholm Ström Backman Wikström "
    "Grönlund Nyström Hirvonen Ojala Väisänen Manninen Rissanen Lindqvist Kallio Peltonen"
)
STREETS = words(
    "Mannerheimintie Hämeenkatu Aleksanterinkatu Puistokatu Rantatie Koulukatu Kirkkokatu "
    "Satamakatu Asemakatu Kauppakatu Torikatu Koivukuja Pihlajatie Vaahterakuja Kuusitie "
    "Mäntytie Tammelanpuistokatu Itsenäisyydenkatu Pohjoisesplanadi Runeberginkatu "
    "Topeliuksenkatu Lönnrotinkatu Fredrikinkatu Museokatu Sibeliuksenkatu Kalevankatu "
    "Linnankatu Yliopistonkatu Keskuskatu Rautatienkatu"
)
COMPANY_FORMS = ["Oy", "Oy Ab", "Ky", "Tmi", "Kiinteistö Oy", "Asunto Oy"]
E_INVOICE_OPERATORS = [
    ("003723327487", "Apix Messaging Oy"),
    ("003721291126", "Maventa"),
    ("003703575029", "CGI"),
    ("NDEAFIHH", "Nordea"),
    ("OKOYFIHH", "OP"),
]
REASONS = [  # (code, entity id column: 0 assignment, 1 trade, 2 rental, 3 realty; weight)
    ("ASSIGNMENT", 0, 35),
    ("ASSIGNMENT_INITIAL_FEE", 0, 5),
    ("CLEARING_SALE", 1, 15),
    ("CLEARING_RENTAL", 2, 15),
    ("REALTY", 3, 10),
    ("OFFER_DOWN_PAYMENT", None, 5),
    ("DOCUMENT_MANAGEMENT", None, 10),
    ("OTHER", None, 5),
]
PAYMENT_TERMS = [("NET_14", 14, 70), ("NET_7", 7, 10), ("NET_21", 21, 10), ("NET_30", 30, 10)]
# (cost type, description, lowest and highest amount in euros, includes VAT, in commission,
#  VAT rate kind)
LINE_KINDS = [
    ("COMMISSION", "Välityspalkkio", 2000, 15000, True, True, "general"),
    ("COMMISSION", "Vuokravälityspalkkio", 400, 2500, True, True, "general"),
    ("DOCUMENT_MANAGEMENT", "Asiakirjojen hankinta", 60, 400, True, False, "general"),
    ("DOCUMENT_MANAGEMENT", "Isännöitsijäntodistus", 40, 150, True, False, "general"),
    ("MARKETING", "Markkinointi (Etuovi, Oikotie)", 100, 900, False, False, "general"),
    ("MARKETING", "Esittelyvalokuvaus", 150, 450, False, False, "general"),
    ("VALUATION", "Arviokäynti ja arviokirja", 200, 700, True, False, "general"),
    ("INSPECTION", "Kuntotarkastus", 300, 900, False, False, "general"),
    ("TRAVEL", "Matkakulut", 20, 250, False, False, "general"),
    ("MATERIALS", "Esitteet ja kyltit", 30, 300, False, False, "general"),
    ("LABOUR", "Näyttötyö", 80, 600, False, False, "general"),
    ("GOODS", "Kirjat ja lehdet", 10, 120, True, False, "reduced"),
    ("OTHER", "Pankkikulut", 5, 50, True, False, "zero"),
    ("OTHER", "Lainhuutohakemus", 100, 200, True, False, "zero"),
]
VAT_RATES = {  # (before, after VAT_CHANGE)
    "general": (Decimal("24"), Decimal("25.5")),
    "reduced": (Decimal("10"), Decimal("10")),
    "zero": (Decimal("0"), Decimal("0")),
}
TEMPLATES_PER_KIND = 8
POOL_SIZE = 1000  # template ids: pool * POOL_SIZE + index
STATE_BY_AGE = [  # (max age in days, [(state, weight)]); CREDITED also makes a credit note
    (30, [("DRAFT", 30), ("READY_FOR_APPROVAL", 20), ("REJECTED", 5), ("APPROVED", 45)]),
    (
        90,
        [
            ("DRAFT", 5),
            ("READY_FOR_APPROVAL", 5),
            ("REJECTED", 3),
            ("APPROVED", 85),
            ("CREDITED", 2),
        ],
    ),
    (10**6, [("DRAFT", 1), ("REJECTED", 1), ("APPROVED", 95), ("CREDITED", 3)]),
]
NUMBERED = {"READY_FOR_APPROVAL", "APPROVED", "REJECTED", "CREDITED"}
LOCK_AFTER_SECONDS = 1800  # LOCK comes half an hour after CREATE
APPROVE_AFTER_SECONDS = 3600  # APPROVE an hour into the approval day

INVOICE_COLUMNS = (
    "id, direction, invoice_type_code, invoicing_reason_code, assignment_id, "
    "trade_settlement_id, rental_settlement_id, realty_id, commission_id, invoicing_date, "
    "issue_date, due_date, currency_code, down_payment, deduction, discount_amount, "
    "discount_includes_vat, discount_vat_percentage, discount_description, source_system_code, "
    "source_system_creation_time, payment_terms_code, other_payment_terms_description, "
    "late_payment_fee_percentage, notice_period, invoicing_method_code, e_invoicing_address, "
    "e_invoicing_operator_id, e_invoicing_operator_name, billing_recipient, "
    "billing_street_address, billing_postcode, billing_postal_area, billing_country_code, "
    "invoice_number, reference_number, sequence_number, status_code, is_paid, paid_date, "
    "approved_date, invoice_document_id, preview_invoice_document_id, credit_note_reason, "
    "total_vat_excluded, total_vat, total_vat_included, amount_due, created_at, modified_at, "
    "agency_office_id, created_by_id, credited_invoice_id, responsible_agent_id, "
    "customer_reference, note"
)
LINE_COLUMNS = (
    "cost_type_code, name, description, item_code, quantity, currency, unit_amount, "
    "includes_vat, vat_percentage, reverse_charge, included_in_commission, vat_excluded, vat, "
    "vat_included, account_code, barcode, discount_amount, product_code"
)
PARTY_LINK_COLUMNS = "invoice_id, party_id, agency_office_id, is_primary, position"
NULL = "\\N"

# Expansion inside PostgreSQL, after the COPY. LINE_REFS_TABLE holds one row per invoice of
# the batch with what the expansion needs, so that it never joins the growing invoice table
# (a hash join over all of it per batch made the load quadratic): its office and agent, line
# template ids, its times in seconds from the start of the five years (as in
# ``InvoiceWriter._write``, which writes the invoice's own times) and REF_* flags.
REFS_COLUMNS = "invoice_id, office_id, agent_id, templates, created, modified, approved, flags"
REF_NUMBERED, REF_REJECTED, REF_CREDITED, REF_PAID = 1, 2, 4, 8
EXPAND_LINES = f"""
INSERT INTO invoices_invoiceline (invoice_id, position, {LINE_COLUMNS})
SELECT r.invoice_id, (t.ord - 1)::smallint, {", ".join(f"tpl.{c.strip()}" for c in LINE_COLUMNS.split(","))}
  FROM {LINE_REFS_TABLE} r
 CROSS JOIN LATERAL unnest(r.templates) WITH ORDINALITY AS t(template_id, ord)
  JOIN {TEMPLATES_TABLE} tpl ON tpl.id = t.template_id
"""  # noqa: E501
EXPAND_ACCOUNTS = f"""
INSERT INTO invoices_invoicepaymentaccount
       (invoice_id, position, bank_name, iban, bic, account_holder)
SELECT r.invoice_id, a.position, a.bank_name, a.iban, a.bic, a.account_holder
  FROM {LINE_REFS_TABLE} r
  JOIN offices_officepaymentaccount a ON a.office_id = r.office_id
"""
# The audit trail follows from each invoice's state and times (as the services record it).
EXPAND_EVENTS = f"""
INSERT INTO invoices_invoiceevent
       (invoice_id, action_type_code, from_status_code, to_status_code, time, request_id,
        details, agent_id)
SELECT r.invoice_id, e.action, e.source, e.target, to_timestamp({{epoch}} + e.at), '',
       '{{{{}}}}'::jsonb, r.agent_id
  FROM {LINE_REFS_TABLE} r
 CROSS JOIN LATERAL (VALUES
   ('CREATE', '', 'DRAFT', r.created, true),
   ('LOCK', 'DRAFT', 'READY_FOR_APPROVAL', r.created + {LOCK_AFTER_SECONDS},
    r.flags & {REF_NUMBERED} <> 0),
   ('REJECT', 'READY_FOR_APPROVAL', 'REJECTED', r.modified, r.flags & {REF_REJECTED} <> 0),
   ('APPROVE', 'READY_FOR_APPROVAL', 'APPROVED', r.approved, r.approved IS NOT NULL),
   ('CREDIT', 'APPROVED', 'CREDITED', r.modified, r.flags & {REF_CREDITED} <> 0),
   ('MARK_AS_PAID', 'APPROVED', 'APPROVED', r.modified, r.flags & {REF_PAID} <> 0)
 ) AS e(action, source, target, at, happened)
 WHERE e.happened
"""


def major(minor: int) -> str:
    """Minor units -> the stored major-unit text with three decimals (EUR cents)."""
    sign = "-" if minor < 0 else ""
    minor = abs(minor)
    return f"{sign}{minor // 100}.{minor % 100:02d}0"


def new_uuid(rng: random.Random) -> str:
    """A random (version 4) UUID as 32 hex digits, from *rng* so that a seed repeats."""
    value = rng.getrandbits(128)
    value = (value & ~(0xF000 << 64)) | (0x4000 << 64)
    value = (value & ~(0xC000 << 48)) | (0x8000 << 48)
    return f"{value:032x}"


def business_id(rng: random.Random) -> str:
    """A random valid Y-tunnus (``stdnum.fi.ytunnus``): weights 7 9 10 5 8 4 2, mod 11."""
    while True:
        base = f"{rng.randrange(1_000_000, 9_999_999)}"
        check = -sum(w * int(d) for w, d in zip((7, 9, 10, 5, 8, 4, 2), base, strict=True)) % 11
        if check < 10:  # 10: no check digit fits, draw again
            return f"{base}-{check}"


def finnish_iban(rng: random.Random) -> str:
    bban = f"{rng.randrange(10**12, 10**13)}"
    bban += luhn.calc_check_digit(bban)
    return "FI" + iban_std.calc_check_digits("FI00" + bban) + bban


def weighted(options):
    """[(value, weight)] -> a list to ``rng.choice`` from (weights are small integers)."""
    return [value for value, weight in options for _ in range(weight)]


def pool_number(*, new_vat: bool, credit: bool) -> int:
    return 2 * int(new_vat) + int(credit)


@dataclass(frozen=True)
class LineTemplate:
    """One priced line, computed once with the tax module (figures in minor units)."""

    id: str
    row: str  # COPY text of TEMPLATES_TABLE
    vat_excluded: int
    vat: int
    vat_included: int


def line_templates(seed: int) -> dict[int, list[LineTemplate]]:
    """The pools of line templates: before/after the VAT change, invoice/credit note (the
    credit note pool holds the same lines negated, in the same order)."""
    pools: dict[int, list[LineTemplate]] = {}
    for new_vat in (False, True):
        for credit in (False, True):
            rng = random.Random(seed)  # the same amounts in every pool
            number = pool_number(new_vat=new_vat, credit=credit)
            pool = pools[number] = []
            for cost_type, text, low, high, includes_vat, commission, kind in LINE_KINDS:
                rate = VAT_RATES[kind][int(new_vat)]
                for _ in range(TEMPLATES_PER_KIND):
                    amount = rng.randrange(low * 100, high * 100 + 1, 5) * (-1 if credit else 1)
                    figures = line_amounts(
                        LineInput(
                            unit_amount=Decimal(amount),
                            vat_percentage=rate,
                            includes_vat=includes_vat,
                        )
                    )
                    excluded, vat, included = (
                        int(figures.vat_excluded),
                        int(figures.vat),
                        int(figures.vat_included),
                    )
                    template_id = number * POOL_SIZE + len(pool)
                    row = "\t".join(
                        [
                            str(template_id),
                            cost_type,
                            "",
                            text,
                            "",
                            "1.0000",
                            "EUR",
                            major(amount),
                            "t" if includes_vat else "f",
                            f"{rate:.2f}",
                            "f",
                            "t" if commission else "f",
                            major(excluded),
                            major(vat),
                            major(included),
                            "",
                            "",
                            "0.000",
                            "",
                        ]
                    )
                    pool.append(LineTemplate(str(template_id), row + "\n", excluded, vat, included))
    return pools


@dataclass
class Office:
    id: str
    identifier: str
    name: str
    city: str
    postcode: str
    iban: str
    bic: str
    agents: list[str]
    # (id, the invoice's COPY text from invoicing_method_code to billing_country_code)
    parties: list[tuple[str, str]]
    invoices: int = 0  # how many to generate


def plan_offices(rng: random.Random, count: int, invoices: int) -> tuple[list[Office], list[str]]:
    """The offices with their parties, and the parties' COPY rows."""
    offices, party_rows = [], []
    now = _ts(datetime.now(UTC))
    for index in range(count):
        city, postcode = CITIES[index % len(CITIES)]
        suffix = f" {index // len(CITIES) + 1}" if index >= len(CITIES) else ""
        office = Office(
            id=new_uuid(rng),
            identifier=f"{index + 1:02d}",
            name=f"Kiinteistövälitys {city}{suffix}",
            city=city,
            postcode=postcode,
            iban=finnish_iban(rng),
            bic=rng.choice(["NDEAFIHH", "OKOYFIHH", "DABAFIHH", "HANDFIHH"]),
            agents=[],
            parties=[],
            invoices=invoices // count + (1 if index < invoices % count else 0),
        )
        for _ in range(max(40, office.invoices // 8)):
            party_id = new_uuid(rng)
            street = f"{rng.choice(STREETS)} {rng.randrange(1, 80)}"
            if rng.random() < 0.5:
                street += f" {rng.choice('ABCDE')} {rng.randrange(1, 40)}"
            area, area_code = (city, postcode) if rng.random() < 0.8 else rng.choice(CITIES)
            e_address, operator = "", ("", "")
            if rng.random() < 0.7:
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                party_type, bid = "PERSON", ""
                email = "" if rng.random() < 0.3 else name.lower().replace(" ", ".") + "@example.fi"
            else:
                name = f"{rng.choice(LAST_NAMES)} {rng.choice(COMPANY_FORMS)}"
                party_type, bid = "ORGANISATION", business_id(rng)
                email = f"laskut@{name.split()[0].lower()}.example.fi"
                if rng.random() < 0.5:
                    e_address = "0037" + bid.replace("-", "")
                    operator = rng.choice(E_INVOICE_OPERATORS)
            method = "EINVOICING" if e_address else ("EMAIL" if email else "PAPER")
            billing = "\t".join([method, e_address, *operator, name, street, area_code, area, "FI"])
            office.parties.append((party_id, billing))
            party_rows.append(
                "\t".join(
                    [
                        party_id,
                        office.id,
                        party_type,
                        name,
                        bid,
                        "",
                        email,
                        "",
                        "fi",
                        "",
                        e_address,
                        *operator,
                        street,
                        area_code,
                        area,
                        "FI",
                        now,
                        now,
                    ]
                )
                + "\n"
            )
        offices.append(office)
    return offices, party_rows


@dataclass
class WorkerJob:
    worker: int
    seed: int
    offices: list[Office]
    lines: tuple[int, int]
    batch: int
    today: date
    replica: bool


class InvoiceWriter:
    """Turns planned invoices into COPY rows. Time is integer seconds from the start of the
    five years (UTC), and every date and timestamp is text from precomputed tables: the hot
    loop makes no ``datetime`` objects."""

    def __init__(self, job: WorkerJob):
        self.rng = random.Random(job.seed * 1000 + job.worker)
        self.pools = line_templates(job.seed)
        self.pool_size = len(self.pools[0])
        # Per pool number: each template's id and its (excluded, VAT, included) figures.
        self.template_ids = {n: [t.id for t in pool] for n, pool in self.pools.items()}
        self.figures = {
            n: [(t.vat_excluded, t.vat, t.vat_included) for t in pool]
            for n, pool in self.pools.items()
        }
        self.today_index = 365 * YEARS
        start = job.today - timedelta(days=self.today_index)
        days = [start + timedelta(days=i) for i in range(self.today_index + 120)]
        self.day_text = [d.isoformat() for d in days]
        self.year = [d.year for d in days]
        self.vat_change_index = (VAT_CHANGE - start).days
        self.epoch = int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp())
        self.time_text = [
            f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(86400)
        ]
        self.reasons = weighted([((code, column), weight) for code, column, weight in REASONS])
        # The reason and the four entity id columns as COPY text: with no entity, or the text
        # around the one entity id.
        self.no_entity = {code: code + f"\t{NULL}" * 4 for code, _, _ in REASONS}
        self.entity_text = [
            (f"\t{NULL}" * column + "\t", f"\t{NULL}" * (3 - column)) for column in range(4)
        ]
        self.terms = weighted([((code, days), weight) for code, days, weight in PAYMENT_TERMS])
        states = [(max_age, weighted(options)) for max_age, options in STATE_BY_AGE]
        self.states_by_age = [  # age in days -> the states to pick from
            next(options for max_age, options in states if age <= max_age)
            for age in range(self.today_index + 1)
        ]
        self.offices = job.offices
        self.office_pick = weighted(
            [(office, max(1, office.invoices // 100)) for office in self.offices]
        )
        self.total = sum(office.invoices for office in self.offices)
        self.entity_pools = {
            office.id: [
                [new_uuid(self.rng) for _ in range(max(10, office.invoices // 3))] for _ in range(4)
            ]
            for office in self.offices
        }
        self.sequence = {office.id: 0 for office in self.offices}
        self.line_range = job.lines
        self.rows: tuple[list[str], list[str], list[str]] = ([], [], [])

    def timestamp(self, second: int) -> str:
        return self.day_text[second // 86400] + self.time_text[second % 86400]

    def invoice(self, index: int) -> int:
        """The rows of the *index*-th invoice in time order; returns 2 if it was credited (its
        credit note is written too), else 1."""
        # options[int(rand() * len(options))] picks several times faster than rng.choice (and
        # is written out: a helper function's call costs as much as the pick).
        rand = self.rng.random

        # Spread evenly over the five years, in office hours (07-17 UTC), in index order.
        moment = (index + rand()) * self.today_index / self.total
        created = int(moment) * 86400 + 7 * 3600 + int((moment % 1) * 10 * 3600)
        options = self.states_by_age[self.today_index - created // 86400]
        state = options[int(rand() * len(options))]
        office = self.office_pick[int(rand() * len(self.office_pick))]
        reason, entity_column = self.reasons[int(rand() * len(self.reasons))]
        if entity_column is None:
            reason = self.no_entity[reason]
        else:
            options = self.entity_pools[office.id][entity_column]
            before, after = self.entity_text[entity_column]
            reason = f"{reason}{before}{options[int(rand() * len(options))]}{after}"
        parties = [int(rand() * len(office.parties))]
        if rand() < 0.15:
            other = int(rand() * len(office.parties))
            if other != parties[0]:
                parties.append(other)
        low, high = self.line_range
        plan = (
            office,
            reason,
            parties,
            self.terms[int(rand() * len(self.terms))],
            created // 86400 >= self.vat_change_index,
            [int(rand() * self.pool_size) for _ in range(low + int(rand() * (high - low + 1)))],
            office.agents[int(rand() * len(office.agents))],
        )
        credited = self._write(plan, state, created, credited_id=None)
        if credited is None:
            return 1
        self._write(plan, "APPROVED", credited[1], credited_id=credited[0])
        return 2

    def _write(self, plan: tuple, state: str, created: int, credited_id: str | None):
        rng = self.rng
        invoices, links, refs = self.rows
        office, reason, parties, (terms_code, terms_days), vat_new, chosen, agent = plan
        invoice_id = new_uuid(rng)
        day = created // 86400
        pool = pool_number(new_vat=vat_new, credit=credited_id is not None)
        figures = self.figures[pool]
        excluded = vat = included = 0
        for index in chosen:
            line_excluded, line_vat, line_included = figures[index]
            excluded += line_excluded
            vat += line_vat
            included += line_included
        for position, party_index in enumerate(parties):
            party_id = office.parties[party_index][0]
            links.append(
                f"{invoice_id}\t{party_id}\t{office.id}\t{'f' if position else 't'}\t{position}\n"
            )

        number = reference = sequence = NULL
        if state in NUMBERED:
            self.sequence[office.id] += 1
            sequence = str(self.sequence[office.id])
            number = f"{self.year[day]}{office.identifier}{self.sequence[office.id]:05d}"
            reference = reference_from_invoice_number(number)

        # The audit trail (EXPAND_EVENTS) follows from these times and the REF_* flags.
        modified = created + LOCK_AFTER_SECONDS if state in NUMBERED else created + 600
        approved = paid = NULL
        approve_at = None
        is_paid = "f"
        credit_note = None
        due = day + terms_days
        if state == "REJECTED":
            modified += 3600 + int(rng.random() * 2 * 86400)
        elif state in ("APPROVED", "CREDITED"):
            # A credit note is approved the day it is made (its original becomes CREDITED then).
            delay = 0 if credited_id else int(rng.random() * 3)
            approved_day = min(self.today_index, day + delay)
            approved = self.day_text[approved_day]
            modified = approve_at = created + (approved_day - day) * 86400 + APPROVE_AFTER_SECONDS
            if state == "CREDITED":
                note_at = modified + (3 + int(rng.random() * 17)) * 86400
                note_at = min(note_at, self.today_index * 86400)
                credit_note = (invoice_id, note_at)
                modified = note_at + 3600
            elif credited_id is None and due < self.today_index and rng.random() < 0.92:
                paid_day = due - 10 + int(rng.random() * 30)
                paid_day = max(approved_day, min(self.today_index, paid_day))
                paid, is_paid = self.day_text[paid_day], "t"
                modified = max(modified + 60, paid_day * 86400 + 12 * 3600)
        flags = 0
        if state in NUMBERED:
            flags |= REF_NUMBERED
        if state == "REJECTED":
            flags |= REF_REJECTED
        elif state == "CREDITED":
            flags |= REF_CREDITED
        if is_paid == "t":
            flags |= REF_PAID
        ids = self.template_ids[pool]
        template_ids = ",".join([ids[index] for index in chosen])
        refs.append(
            f"{invoice_id}\t{office.id}\t{agent}\t{{{template_ids}}}\t{created}\t{modified}\t"
            f"{NULL if approve_at is None else approve_at}\t{flags}\n"
        )
        issue = self.day_text[day]
        included_text = major(included)
        invoices.append(
            f"{invoice_id}\tSALES\t{'CREDIT_NOTE' if credited_id else 'INVOICE'}\t{reason}\t"
            f"{NULL}\t{issue}\t{issue}\t{self.day_text[due]}\tEUR\t0.000\t0.000\t{NULL}\tt\t"
            f"{NULL}\t\t\t{NULL}\t{terms_code}\t\t8.00\t8\t{office.parties[parties[0]][1]}\t"
            f"{number}\t{reference}\t{sequence}\t{state}\t{is_paid}\t{paid}\t{approved}\t{NULL}\t"
            f"{NULL}\t{'Virheellinen laskutus' if credited_id else ''}\t{major(excluded)}\t"
            f"{major(vat)}\t{included_text}\t{included_text}\t{self.timestamp(created)}\t"
            f"{self.timestamp(modified)}\t{office.id}\t{agent}\t{credited_id or NULL}\t{agent}"
            "\t\t\n"
        )
        return credit_note

    def take_rows(self) -> tuple[list[str], list[str], list[str]]:
        rows, self.rows = self.rows, ([], [], [])
        return rows


def run_worker(job: WorkerJob) -> dict[str, int]:
    """Generate and COPY the invoices of ``job.offices`` (in a worker process). A thread
    generates the next batch while the current one is copied."""
    connections.close_all()  # never share the parent's socket
    writer = InvoiceWriter(job)
    counts = {"invoices": 0, "parties": 0}
    batches: list[tuple] = []
    ready = threading.Semaphore(0)
    room = threading.Semaphore(2)

    def generate() -> None:
        produced = 0
        while produced < writer.total:
            room.acquire()
            batch_end = min(writer.total, produced + job.batch)
            while produced < batch_end:
                produced += writer.invoice(produced)
            batches.append(writer.take_rows())
            ready.release()
        batches.append(None)
        ready.release()

    generator = threading.Thread(target=generate)
    generator.start()
    trigger = "ALTER TABLE invoices_invoiceline {} TRIGGER invoicing_line_immutable"
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg 3 cursor
        cursor.execute("SET synchronous_commit = off")
        if job.replica:
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            f"CREATE TEMP TABLE {LINE_REFS_TABLE} (invoice_id uuid, office_id uuid, "
            "agent_id uuid, templates smallint[], created int, modified int, approved int, "
            "flags int)"
        )
        expansions = {
            "lines": EXPAND_LINES,
            "accounts": EXPAND_ACCOUNTS,
            "events": EXPAND_EVENTS.format(epoch=writer.epoch),
        }
        while True:
            ready.acquire()
            rows = batches.pop(0)
            room.release()
            if rows is None:
                break
            invoices, links, refs = rows
            with transaction.atomic():
                _copy(cursor, "invoices_invoice", INVOICE_COLUMNS, invoices)
                _copy(cursor, "invoices_invoiceparty", PARTY_LINK_COLUMNS, links)
                _copy(cursor, LINE_REFS_TABLE, REFS_COLUMNS, refs)
                if not job.replica:
                    cursor.execute(trigger.format("DISABLE"))
                for key, statement in expansions.items():
                    cursor.execute(statement)
                    counts[key] = counts.get(key, 0) + cursor.rowcount
                if not job.replica:
                    cursor.execute(trigger.format("ENABLE"))
                cursor.execute(f"TRUNCATE {LINE_REFS_TABLE}")
            counts["invoices"] += len(invoices)
            counts["parties"] += len(links)
    generator.join()
    connections.close_all()
    return counts | {f"next:{office.id}": writer.sequence[office.id] + 1 for office in job.offices}


def _copy(cursor, table: str, columns: str, rows: list[str], *, freeze: bool = False) -> None:
    """COPY *rows* (text format). *freeze*: the table was emptied in this transaction; its rows
    are written frozen and its pages all-visible (no VACUUM needed for index-only scans)."""
    chunk = 5000
    options = " (FREEZE)" if freeze else ""
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN{options}") as copy:
        for index in range(0, len(rows), chunk):
            copy.write("".join(rows[index : index + chunk]))


def _statement_table(statement: str) -> str:
    """The table a CREATE INDEX, VACUUM or ANALYZE statement works on."""
    if statement.startswith("CREATE"):  # CREATE [UNIQUE] INDEX name ON public.table USING ...
        table = statement.split(" ON ", 1)[1].split()[0]
    else:  # VACUUM (ANALYZE) table, ANALYZE table
        table = statement.split()[-1]
    return table.split(".")[-1]


def _run_parallel(statements: list[str], parallel: int) -> None:
    """Run *statements* (index builds, then VACUUMs and ANALYZEs) on *parallel* autocommit
    connections, in order, except that a table's VACUUM or ANALYZE waits until all of its index
    builds are done (it would only block on their locks) while the other connection goes on."""
    if not statements:
        return
    params = connection.get_connection_params()
    queue = list(statements)
    builds: dict[str, int] = {}  # table -> index builds not finished
    for statement in queue:
        if statement.startswith("CREATE"):
            table = _statement_table(statement)
            builds[table] = builds.get(table, 0) + 1
    changed = threading.Condition()
    errors: list[BaseException] = []

    def next_statement() -> str | None:
        with changed:
            while queue and not errors:
                for index, statement in enumerate(queue):
                    if statement.startswith("CREATE") or not builds.get(
                        _statement_table(statement)
                    ):
                        return queue.pop(index)
                changed.wait()
            return None

    def work() -> None:
        try:
            with psycopg.connect(**params, autocommit=True) as conn:
                conn.execute("SET maintenance_work_mem = '256MB'")
                conn.execute("SET max_parallel_maintenance_workers = 0")
                while (statement := next_statement()) is not None:
                    conn.execute(statement)
                    if statement.startswith("CREATE"):
                        with changed:
                            builds[_statement_table(statement)] -= 1
                            changed.notify_all()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            with changed:
                errors.append(exc)
                changed.notify_all()

    threads = [threading.Thread(target=work) for _ in range(max(1, parallel))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S+00")


class Command(BaseCommand):
    help = "Fill a PostgreSQL bench database with N realistic invoices (COPY; empties it first)."
    requires_system_checks: list = []  # a data tool: URLs, admin etc. do not matter here

    def add_arguments(self, parser):
        parser.add_argument("--invoices", type=int, default=100_000)
        parser.add_argument(
            "--offices", type=int, default=0, help="default: one per 50 000 invoices, at least 4"
        )
        parser.add_argument("--lines", default="5", help="lines per invoice: N or LOW-HIGH")
        parser.add_argument("--clients", type=int, default=8, help="bench agents (all offices)")
        parser.add_argument("--workers", type=int, default=2, help="parallel COPY processes")
        parser.add_argument("--batch", type=int, default=10_000, help="invoices per transaction")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--force", action="store_true", help="run on a database not named *bench*"
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_bench_data needs PostgreSQL (it uses COPY).")
        name = connection.settings_dict["NAME"]
        if "bench" not in name and not options["force"]:
            raise CommandError(
                f"Refusing to empty database {name!r}: its name does not contain 'bench' "
                "(use --force to insist)."
            )
        low, _, high = options["lines"].partition("-")
        lines = (int(low), int(high or low))
        if not 1 <= lines[0] <= lines[1] <= 500:
            raise CommandError("--lines must be N or LOW-HIGH within 1-500")
        total = options["invoices"]
        office_count = options["offices"] or max(4, math.ceil(total / INVOICES_PER_OFFICE))
        workers = max(1, min(options["workers"], office_count))
        rng = random.Random(options["seed"])
        started = time.perf_counter()

        self._restore_indexes()  # left dropped by an interrupted earlier run, if any
        self._drop_indexes()
        offices, party_rows = plan_offices(rng, office_count, total)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
            self._seed_offices(cursor.cursor, rng, offices, party_rows, options["clients"])
            self._create_staging(cursor.cursor, options["seed"])
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            replica = cursor.fetchone()[0]

        prepared = time.perf_counter()
        jobs = [
            WorkerJob(
                worker=w,
                seed=options["seed"],
                offices=offices[w::workers],
                lines=lines,
                batch=options["batch"],
                today=timezone.localdate(),
                replica=replica,
            )
            for w in range(workers)
        ]
        connections.close_all()
        if workers == 1:
            results = [run_worker(jobs[0])]
        else:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.map(run_worker, jobs)
        copied = time.perf_counter()

        counts: dict[str, int] = {}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {TEMPLATES_TABLE}")
            for result in results:
                for key, value in result.items():
                    if key.startswith("next:"):
                        cursor.execute(
                            "UPDATE offices_agencyoffice SET next_sequence_number = %s "
                            "WHERE id = %s",
                            [value, key.removeprefix("next:")],
                        )
                    else:
                        counts[key] = counts.get(key, 0) + value
        # Autovacuum may be off (it is on the bench machine): set the planner statistics now,
        # as production tables would have them, and the visibility map (index-only scans) of
        # the tables searched with covering indexes. Lines, events and payment accounts are
        # only read whole, by invoice, so they are analysed but not vacuumed.
        self._restore_indexes(
            then=[
                f"{'ANALYZE' if table in ANALYZED_ONLY else 'VACUUM (ANALYZE)'} {table}"
                for table in VACUUMED_TABLES
            ]
        )
        finished = time.perf_counter()
        seconds = finished - started
        self.stdout.write(
            f"Seeded {counts['invoices']} invoices ({counts['lines']} lines, "
            f"{counts['parties']} invoice parties, {counts['accounts']} payment accounts, "
            f"{counts['events']} audit events) in {office_count} offices with {workers} "
            f"workers{' (replica role: no triggers, no FK checks)' if replica else ''}: "
            f"setup {prepared - started:.1f} s, COPY and expand {copied - prepared:.1f} s, "
            f"indexes and VACUUM/ANALYZE "
            f"{finished - copied:.1f} s; total "
            f"{seconds:.1f} s = {counts['invoices'] / seconds:,.0f} invoices/second"
        )

    def _create_staging(self, cursor, seed: int) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {TEMPLATES_TABLE}")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {TEMPLATES_TABLE} AS "
            "SELECT * FROM invoices_invoiceline WITH NO DATA"
        )
        cursor.execute(
            f"ALTER TABLE {TEMPLATES_TABLE} DROP COLUMN invoice_id, DROP COLUMN position"
        )
        templates = [t.row for pool in line_templates(seed).values() for t in pool]
        _copy(cursor, TEMPLATES_TABLE, f"id, {LINE_COLUMNS}", templates)

    def _drop_indexes(self) -> None:
        """Drop the invoice tables' indexes that back no constraint, and the primary keys and
        unique constraints of the tables no foreign key points at (lines, events, party links,
        payment accounts): building an index once after the load is several times faster than
        maintaining it row by row. The statements that rebuild them stay in
        ``DROPPED_INDEXES_TABLE`` until they have run."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {DROPPED_INDEXES_TABLE} "
                "(name text PRIMARY KEY, definition text NOT NULL)"
            )
            cursor.execute(
                f"""
                INSERT INTO {DROPPED_INDEXES_TABLE}
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                  FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                 WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                RETURNING 'DROP INDEX ' || name
                """,
                [INDEXED_TABLES],
            )
            drops = [row[0] for row in cursor.fetchall()]
            # A constraint comes back as its unique index, then ALTER TABLE ... USING INDEX.
            cursor.execute(
                """
                SELECT c.conrelid::regclass::text, c.conname, c.contype,
                       pg_get_indexdef(c.conindid)
                  FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                 WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace
                   AND c.contype IN ('p', 'u')
                """,
                [CONSTRAINED_TABLES],
            )
            for table, name, kind, index in cursor.fetchall():
                attach = (
                    f'ALTER TABLE {table} ADD CONSTRAINT "{name}" '
                    f'{"PRIMARY KEY" if kind == "p" else "UNIQUE"} USING INDEX "{name}"'
                )
                cursor.execute(
                    f"INSERT INTO {DROPPED_INDEXES_TABLE} VALUES (%s, %s), (%s, %s)",
                    [name, index, f"{name} constraint", attach],
                )
                drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for statement in drops:
                cursor.execute(statement)

    def _restore_indexes(self, then: list[str] = ()) -> None:
        """Rebuild what ``_drop_indexes`` dropped (if anything), then run *then* (VACUUM,
        ANALYZE): two connections, largest tables first."""
        definitions: list[str] = []
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [DROPPED_INDEXES_TABLE])
            if cursor.fetchone()[0]:
                cursor.execute(f"SELECT definition FROM {DROPPED_INDEXES_TABLE}")
                definitions = [row[0] for row in cursor.fetchall()]

        def table_rank(statement: str) -> int:
            table = _statement_table(statement)
            return INDEXED_TABLES.index(table) if table in INDEXED_TABLES else len(INDEXED_TABLES)

        # IF NOT EXISTS: a run stopped midway through the rebuild left some of them built.
        builds = sorted(
            (
                re.sub(r"^CREATE (UNIQUE )?INDEX ", r"CREATE \1INDEX IF NOT EXISTS ", d)
                for d in definitions
                if d.startswith("CREATE")
            ),
            key=table_rank,
        )
        _run_parallel(builds + sorted(then, key=table_rank), 2)
        if definitions:
            with transaction.atomic(), connection.cursor() as cursor:
                for statement in definitions:
                    if not statement.startswith("CREATE"):
                        cursor.execute(statement)  # ALTER TABLE ... USING INDEX: catalog only
                cursor.execute(f"DROP TABLE {DROPPED_INDEXES_TABLE}")

    def _seed_offices(self, cursor, rng, offices: list[Office], party_rows, clients: int) -> None:
        """Offices, their payment accounts, agents, memberships and parties (in the transaction
        that emptied the tables: all but the offices, updated after the load, are frozen)."""
        now = _ts(datetime.now(UTC))
        office_rows, account_rows, agent_rows, membership_rows = [], [], [], []
        for office in offices:
            office_rows.append(
                "\t".join(
                    [
                        office.id,
                        office.name,
                        office.identifier,
                        business_id(rng),
                        f"Asemakatu {rng.randrange(1, 40)}",
                        office.postcode,
                        office.city,
                        "FI",
                        f"{office.city.lower()}@example.fi",
                        "",
                        "",
                        "NET_14",
                        "8.00",
                        "8",
                        "f",
                        "f",
                        "t",
                        "1",
                        now,
                        now,
                    ]
                )
                + "\n"
            )
            account_rows.append(
                f"{office.id}\t0\t{office.city} pankki\t{office.iban}\t{office.bic}\t"
                f"{office.name}\n"
            )
            for role in (Role.CLERK, Role.APPROVER, Role.ADMIN):
                agent_id = new_uuid(rng)
                username = f"{role.lower()}.{office.identifier}"
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                agent_rows.append(_agent_row(agent_id, username, first, last, now))
                membership_rows.append(f"{office.id}\t{agent_id}\t{role}\t{now}\n")
                office.agents.append(agent_id)
        for number in range(1, clients + 1):
            agent_id = new_uuid(rng)
            username = f"{BENCH_CLIENT_PREFIX}{number}"
            agent_rows.append(_agent_row(agent_id, username, "Bench", str(number), now))
            for office in offices:
                membership_rows.append(f"{office.id}\t{agent_id}\t{Role.APPROVER}\t{now}\n")
        _copy(
            cursor,
            "offices_agencyoffice",
            "id, name, office_identifier, business_id, street_address, postcode, postal_area, "
            "country_code, email, vat_number, phone, default_payment_terms_code, "
            "default_late_payment_fee_percentage, default_notice_period, "
            "non_commission_costs_included_in_commission, "
            "non_commission_costs_subject_to_royalty, "
            "non_commission_costs_separate_lines_to_pdf, next_sequence_number, created_at, "
            "modified_at",
            office_rows,
        )
        _copy(
            cursor,
            "offices_officepaymentaccount",
            "office_id, position, bank_name, iban, bic, account_holder",
            account_rows,
            freeze=True,
        )
        _copy(
            cursor,
            "offices_agent",
            "id, username, first_name, last_name, email, password, is_superuser, is_staff, "
            "is_active, date_joined, language",
            agent_rows,
            freeze=True,
        )
        _copy(
            cursor,
            "offices_officemembership",
            "office_id, agent_id, role, created_at",
            membership_rows,
            freeze=True,
        )
        _copy(
            cursor,
            "parties_party",
            "id, office_id, party_type, name, business_id, vat_number, email, phone, language, "
            "state_code, e_invoicing_address, e_invoicing_operator_id, "
            "e_invoicing_operator_name, street_address, postcode, postal_area, country_code, "
            "created_at, modified_at",
            party_rows,
            freeze=True,
        )


def _agent_row(agent_id: str, username: str, first: str, last: str, now: str) -> str:
    # "!" starts Django's unusable password: bench agents use issued tokens only.
    return (
        f"{agent_id}\t{username}\t{first}\t{last}\t{username}@example.fi\t!bench\tf\tf\tt\t"
        f"{now}\ten\n"
    )
