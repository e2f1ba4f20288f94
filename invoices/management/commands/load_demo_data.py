"""``manage.py load_demo_data``: offices, agents, parties and draft invoices for a demo.

Idempotent: offices are looked up by ``office_identifier``, agents by username, parties by
office and name, and demo invoices (``source_system_code="DEMO"``) are topped up to the target
count per office, so a second run creates nothing. Offices, parties and invoices are created
through the same services as the API. The invoice content comes from ``random.Random(2026)``,
so every run plans the same invoices; issue dates are relative to today.

The work is a list of steps (``STEPS``), one function each, taking the shared ``Demo``; to add
demo data (e.g. invoices in other lifecycle states), write a step and append it.

Demo passwords are public, so the command refuses to run with ``DEBUG=False`` unless forced.
"""

import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import transaction
from django.utils import timezone

from invoices.choices import CostType, InvoicingReason
from invoices.lifecycle import credit_note_create, invoice_action
from invoices.models import Invoice
from invoices.services import CostData, DiscountData, InvoiceData, invoice_create
from offices.choices import PaymentTermsCode, Role
from offices.models import AgencyOffice, Agent, OfficeMembership
from offices.services import office_create
from parties.choices import Language, PartyType
from parties.models import Party
from parties.services import party_create

DEMO_PASSWORD = "demo-password-1"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin-password-1"
SOURCE_SYSTEM_CODE = "DEMO"
INVOICES_PER_OFFICE = 15
SEED = 2026
VAT = Decimal("25.5")


@dataclass(frozen=True)
class OfficeSpec:
    office_identifier: str
    name: str
    business_id: str
    street_address: str
    postcode: str
    postal_area: str
    email: str
    phone: str
    iban: str
    bic: str
    bank_name: str


@dataclass(frozen=True)
class AgentSpec:
    username: str
    first_name: str
    last_name: str
    office_identifier: str
    role: str


@dataclass(frozen=True)
class PartySpec:
    office_identifier: str
    name: str
    street_address: str
    postcode: str
    postal_area: str
    language: str = Language.FI
    email: str = ""
    business_id: str = ""
    e_invoicing_operator: tuple[str, str] | None = None  # (operator id, operator name)

    @property
    def party_type(self) -> str:
        return PartyType.ORGANISATION if self.business_id else PartyType.PERSON


OFFICES = (
    OfficeSpec(
        "01",
        "Helsinki",
        "2331972-7",
        "Mannerheimintie 12 B",
        "00100",
        "Helsinki",
        "helsinki@example.com",
        "+358 9 4242 1000",
        "FI2112345600000785",
        "NDEAFIHH",
        "Nordea",
    ),
    OfficeSpec(
        "02",
        "Tampere",
        "0112038-9",
        "Hämeenkatu 20",
        "33200",
        "Tampere",
        "tampere@example.com",
        "+358 3 4242 2000",
        "FI5810171000000122",
        "NDEAFIHH",
        "Nordea",
    ),
)

AGENTS = (
    AgentSpec("clerk.helsinki", "Aino", "Laine", "01", Role.CLERK),
    AgentSpec("approver.helsinki", "Mikko", "Heikkilä", "01", Role.APPROVER),
    AgentSpec("migration.helsinki", "Tiina", "Salminen", "01", Role.MIGRATION),
    AgentSpec("clerk.tampere", "Sanna", "Koskinen", "02", Role.CLERK),
    AgentSpec("approver.tampere", "Jari", "Lehtonen", "02", Role.APPROVER),
)

PARTIES = (
    PartySpec(
        "01",
        "Matti Virtanen",
        "Fredrikinkatu 34 A 7",
        "00120",
        "Helsinki",
        email="matti.virtanen@example.com",
    ),
    PartySpec(
        "01",
        "Anna Korhonen",
        "Töölönkatu 11 B 22",
        "00260",
        "Helsinki",
        email="anna.korhonen@example.com",
    ),
    PartySpec(
        "01",
        "Johan Lindqvist",
        "Runebergsgatan 5 C 14",
        "00100",
        "Helsingfors",
        Language.SV,
        email="johan.lindqvist@example.com",
    ),
    PartySpec(
        "01",
        "Emily Carter",
        "Merikatu 3 A 2",
        "00150",
        "Helsinki",
        Language.EN,
        email="emily.carter@example.com",
    ),
    PartySpec(
        "01",
        "Kiinteistö Oy Helsingin Aurinkorinne",
        "Aurinkotie 4",
        "00980",
        "Helsinki",
        email="isannointi.aurinkorinne@example.com",
        business_id="2358253-3",
        e_invoicing_operator=("E204503", "OpusCapita Solutions Oy"),
    ),
    PartySpec("01", "Pekka Nieminen", "Kalevankatu 40 C 31", "00180", "Helsinki"),
    PartySpec(
        "02",
        "Liisa Mäkinen",
        "Hämeenpuisto 21 A 4",
        "33210",
        "Tampere",
        email="liisa.makinen@example.com",
    ),
    PartySpec(
        "02",
        "Juha Heikkinen",
        "Satakunnankatu 18 B 9",
        "33100",
        "Tampere",
        email="juha.heikkinen@example.com",
    ),
    PartySpec(
        "02",
        "Karin Sjöberg",
        "Pyynikintie 12",
        "33230",
        "Tammerfors",
        Language.SV,
        email="karin.sjoberg@example.com",
    ),
    PartySpec(
        "02",
        "David Miller",
        "Itsenäisyydenkatu 7 A 12",
        "33500",
        "Tampere",
        Language.EN,
        email="david.miller@example.com",
    ),
    PartySpec(
        "02",
        "Asunto Oy Tampereen Koskenranta",
        "Tammelan puistokatu 30",
        "33100",
        "Tampere",
        email="isannointi.koskenranta@example.com",
        business_id="1632707-5",
    ),
    PartySpec(
        "02",
        "Pirkanmaan Rakennus Oy",
        "Hatanpään valtatie 26",
        "33100",
        "Tampere",
        Language.EN,
        email="laskutus.pirkanmaanrakennus@example.com",
        business_id="1202527-2",
    ),
)

# Where the sold and rented homes are (only used in line descriptions).
PROPERTIES = {
    "01": (
        "Fredrikinkatu 51 B 18, Helsinki",
        "Laajalahdentie 7 A 3, Helsinki",
        "Kulosaarentie 22 C 9, Helsinki",
        "Vallilantie 14 A 1, Helsinki",
        "Pihlajamäentie 3 D 40, Helsinki",
        "Lauttasaarentie 30 B 12, Helsinki",
    ),
    "02": (
        "Satakunnankatu 10 A 6, Tampere",
        "Hervannan valtaväylä 8 C 21, Tampere",
        "Kalevan puistotie 2 B 5, Tampere",
        "Pispalan valtatie 44, Tampere",
        "Härmälänranta 5 A 2, Tampere",
        "Nekalantie 16 B 8, Tampere",
    ),
}

# Per office: which invoicing reasons, shuffled; every reason appears in every office.
REASON_MIX = (
    *(InvoicingReason.ASSIGNMENT,) * 4,
    *(InvoicingReason.CLEARING_SALE,) * 4,
    *(InvoicingReason.CLEARING_RENTAL,) * 2,
    *(InvoicingReason.REALTY,) * 2,
    InvoicingReason.OFFER_DOWN_PAYMENT,
    *(InvoicingReason.OTHER,) * 2,
)
assert len(REASON_MIX) == INVOICES_PER_OFFICE


@dataclass
class Demo:
    """What the steps share: the objects made so far and the counts for the summary."""

    stdout: OutputWrapper
    admin: Agent | None = None
    offices: dict[str, AgencyOffice] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    parties: dict[tuple[str, str], Party] = field(default_factory=dict)
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)

    def count(self, kind: str, created: bool, n: int = 1) -> None:
        (self.created if created else self.existing)[kind] += n


def _find_agent(username: str) -> Agent | None:
    return Agent.objects.filter(username__iexact=username).first()


def step_admin(demo: Demo) -> None:
    """The superuser ``admin``; it creates the offices and parties below."""
    admin = _find_agent(ADMIN_USERNAME)
    demo.count("agents", admin is None)
    if admin is None:
        admin = Agent.objects.create_superuser(
            ADMIN_USERNAME,
            "admin@example.com",
            ADMIN_PASSWORD,
            first_name="Ylläpito",
            last_name="Demo",
        )
    demo.admin = admin


def step_offices(demo: Demo) -> None:
    for spec in OFFICES:
        office = AgencyOffice.objects.filter(office_identifier=spec.office_identifier).first()
        if office is None:
            office = office_create(
                actor=demo.admin,
                fields={
                    "name": spec.name,
                    "office_identifier": spec.office_identifier,
                    "business_id": spec.business_id,
                    "vat_number": "FI" + spec.business_id.replace("-", ""),
                    "street_address": spec.street_address,
                    "postcode": spec.postcode,
                    "postal_area": spec.postal_area,
                    "country_code": "FI",
                    "email": spec.email,
                    "phone": spec.phone,
                    "default_payment_terms_code": PaymentTermsCode.NET_14,
                    "default_notice_period": 8,
                    "default_late_payment_fee_percentage": Decimal("11.5"),
                },
                payment_accounts=[
                    {
                        "iban": spec.iban,
                        "bic": spec.bic,
                        "bank_name": spec.bank_name,
                        "account_holder": spec.name,
                    }
                ],
            )
            demo.count("offices", True)
        else:
            demo.count("offices", False)
        demo.offices[spec.office_identifier] = office


def _ensure_membership(demo: Demo, agent: Agent, office: AgencyOffice, role: str) -> None:
    _, created = OfficeMembership.objects.get_or_create(agent=agent, office=office, role=role)
    demo.count("office roles", created)


def step_agents(demo: Demo) -> None:
    """The demo agents and their roles; ``admin`` is also an office admin everywhere."""
    for spec in AGENTS:
        agent = _find_agent(spec.username)
        if agent is None:
            agent = Agent.objects.create_user(
                spec.username,
                f"{spec.username}@example.com",
                DEMO_PASSWORD,
                first_name=spec.first_name,
                last_name=spec.last_name,
                language="fi",
            )
            demo.count("agents", True)
        else:
            demo.count("agents", False)
        demo.agents[spec.username] = agent
        _ensure_membership(demo, agent, demo.offices[spec.office_identifier], spec.role)
    for office in demo.offices.values():
        _ensure_membership(demo, demo.admin, office, Role.ADMIN)


def step_parties(demo: Demo) -> None:
    for spec in PARTIES:
        office = demo.offices[spec.office_identifier]
        party = Party.objects.filter(office=office, name=spec.name).first()
        if party is None:
            digits = spec.business_id.replace("-", "")
            fields = {
                "party_type": spec.party_type,
                "name": spec.name,
                "business_id": spec.business_id,
                "vat_number": f"FI{digits}" if digits else "",
                "email": spec.email,
                "language": spec.language,
                "street_address": spec.street_address,
                "postcode": spec.postcode,
                "postal_area": spec.postal_area,
                "country_code": "FI",
            }
            if spec.e_invoicing_operator:
                operator_id, operator_name = spec.e_invoicing_operator
                fields |= {
                    "e_invoicing_address": f"0037{digits}",
                    "e_invoicing_operator_id": operator_id,
                    "e_invoicing_operator_name": operator_name,
                }
            party = party_create(actor=demo.admin, office_id=office.pk, fields=fields)
            demo.count("parties", True)
        else:
            demo.count("parties", False)
        demo.parties[spec.office_identifier, spec.name] = party


# --- Draft invoices ------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoicePlan:
    """One demo invoice, decided by the seeded random generator (no database objects)."""

    office_identifier: str
    reason: str
    responsible: str
    party_names: tuple[str, ...]
    days_ago: int
    costs: tuple[CostData, ...]
    entity_id: uuid.UUID
    discount: DiscountData | None = None
    down_payment: int = 0


_REASON_ENTITY_FIELD = {
    InvoicingReason.ASSIGNMENT: "assignment_id",
    InvoicingReason.CLEARING_SALE: "trade_settlement_id",
    InvoicingReason.CLEARING_RENTAL: "rental_settlement_id",
    InvoicingReason.REALTY: "realty_id",
}


def _euros(rng: random.Random, low: int, high: int, step: int = 10) -> int:
    """A whole-euro amount in [low, high] on a *step* grid, in cents."""
    return rng.randrange(low, high + 1, step) * 100


def _commission(rng: random.Random, address: str) -> CostData:
    price = rng.randrange(120_000, 650_001, 5_000)
    percentage = rng.choice((Decimal("3.5"), Decimal("3.9"), Decimal("4.2")))
    shown = str(percentage).replace(".", ",")  # Finnish decimal comma
    return CostData(
        amount=int(price * percentage),  # price x percentage / 100 euros, in cents
        vat_percentage=VAT,
        includes_vat=True,
        cost_type_code=CostType.COMMISSION,
        description=f"Välityspalkkio {shown} % (sis. alv), kauppahinta {price} €, {address}",
        included_in_commission=True,
    )


def _fee(rng: random.Random, cost_type: str, description: str, low: int, high: int) -> CostData:
    return CostData(
        amount=_euros(rng, low, high),
        vat_percentage=VAT,
        includes_vat=True,
        cost_type_code=cost_type,
        description=description,
    )


def _costs_for(rng: random.Random, reason: str, address: str) -> list[CostData]:
    documents = (CostType.DOCUMENT_MANAGEMENT, "Asiakirjojen hankinta ja käsittely")
    if reason == InvoicingReason.ASSIGNMENT:
        costs = [
            _commission(rng, address),
            _fee(rng, CostType.MARKETING, f"Markkinointipaketti, {address}", 390, 990),
        ]
        if rng.random() < 0.5:
            costs.append(_fee(rng, *documents, 150, 350))
        return costs
    if reason == InvoicingReason.CLEARING_SALE:
        return [_commission(rng, address), _fee(rng, *documents, 150, 350)]
    if reason == InvoicingReason.CLEARING_RENTAL:
        rent = rng.randrange(750, 1_901, 25)
        return [
            CostData(
                amount=rent * 100,
                vat_percentage=VAT,
                includes_vat=False,
                cost_type_code=CostType.COMMISSION,
                description=f"Vuokrauksen välityspalkkio: 1 kk vuokra {rent} € + alv, {address}",
                included_in_commission=True,
            )
        ]
    if reason == InvoicingReason.REALTY:
        return [
            _fee(rng, CostType.VALUATION, f"Arviokäynti ja hinta-arvio, {address}", 250, 450),
            CostData(
                amount=_euros(rng, 450, 900),
                vat_percentage=VAT,
                includes_vat=False,
                cost_type_code=CostType.INSPECTION,
                description=f"Kuntotarkastus, {address}",
            ),
        ]
    if reason == InvoicingReason.OFFER_DOWN_PAYMENT:
        return [
            CostData(
                amount=_euros(rng, 2_000, 8_000, 500),
                vat_percentage=Decimal(0),
                cost_type_code=CostType.OTHER,
                description=f"Käsiraha ostotarjouksen yhteydessä, {address}",
            )
        ]
    return [
        _fee(rng, *documents, 120, 250),
        _fee(rng, CostType.VALUATION, f"Lisäarviokäynti, {address}", 150, 300),
    ]


def plan_invoices(rng: random.Random) -> list[InvoicePlan]:
    """All demo invoices of every office, in a fixed order (the same on every run)."""
    plans: list[InvoicePlan] = []
    for office in OFFICES:
        identifier = office.office_identifier
        names = [p.name for p in PARTIES if p.office_identifier == identifier]
        people = [
            p.name for p in PARTIES if p.office_identifier == identifier and not p.business_id
        ]
        responsible = [
            a.username
            for a in AGENTS
            if a.office_identifier == identifier and a.role in (Role.CLERK, Role.APPROVER)
        ]
        reasons = list(REASON_MIX)
        rng.shuffle(reasons)
        # Every party of the office is invoiced, none much more often than another.
        primaries = [names[i % len(names)] for i in range(len(reasons))]
        rng.shuffle(primaries)
        for reason, primary in zip(reasons, primaries, strict=True):
            costs = _costs_for(rng, reason, rng.choice(PROPERTIES[identifier]))
            party_names = [primary]
            if rng.random() < 0.25:  # co-owners invoiced together
                party_names += [rng.choice([n for n in people if n not in party_names])]
            discount = down_payment = None
            if reason in (InvoicingReason.ASSIGNMENT, InvoicingReason.CLEARING_SALE):
                if rng.random() < 0.3:
                    discount = DiscountData(
                        amount=rng.choice((20_000, 30_000, 50_000)),
                        vat_percentage=VAT,
                        includes_vat=True,
                        description="Kanta-asiakasalennus",
                    )
                if reason == InvoicingReason.CLEARING_SALE and rng.random() < 0.5:
                    # A third of the commission was paid in advance (whole hundreds of euros).
                    down_payment = costs[0].amount // 3 // 10_000 * 10_000
            plans.append(
                InvoicePlan(
                    office_identifier=identifier,
                    reason=reason,
                    responsible=rng.choice(responsible),
                    party_names=tuple(party_names),
                    days_ago=rng.randrange(0, 365),
                    costs=tuple(costs),
                    entity_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    discount=discount,
                    down_payment=down_payment or 0,
                )
            )
    return plans


DEMO_EPOCH = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


def _source_time(plan: InvoicePlan, index: int) -> datetime:
    """The plan's ``sourceSystemCreationTime``: a fixed instant plus *index* minutes. Unique
    per office and the same on every run and every day, so it tells which planned invoices
    exist already (for topping up)."""
    return DEMO_EPOCH + timedelta(minutes=index)


def _invoice_data(demo: Demo, plan: InvoicePlan, index: int) -> InvoiceData:
    office = demo.offices[plan.office_identifier]
    party_ids = [demo.parties[plan.office_identifier, name].pk for name in plan.party_names]
    entity = _REASON_ENTITY_FIELD.get(plan.reason)
    issue_date = timezone.localdate() - timedelta(days=plan.days_ago)
    return InvoiceData(
        agency_office_id=office.pk,
        invoicing_reason_code=plan.reason,
        responsible_agent_id=demo.agents[plan.responsible].pk,
        invoicing_date=issue_date,
        issue_date=issue_date,
        costs=list(plan.costs),
        discount=plan.discount,
        down_payment=plan.down_payment,
        party_ids=party_ids,
        primary_party_id=party_ids[0],
        source_system_code=SOURCE_SYSTEM_CODE,
        source_system_creation_time=_source_time(plan, index),
        **({entity: plan.entity_id} if entity else {}),
    )


def step_draft_invoices(demo: Demo) -> None:
    """``INVOICES_PER_OFFICE`` DRAFT invoices per office, topped up to that count."""
    plans = plan_invoices(random.Random(SEED))
    for identifier, office in demo.offices.items():
        office_plans = [p for p in plans if p.office_identifier == identifier]
        existing = set(
            Invoice.objects.filter(
                agency_office=office,
                source_system_code=SOURCE_SYSTEM_CODE,
                invoice_type_code="INVOICE",
            ).values_list("source_system_creation_time", flat=True)
        )
        for index, plan in enumerate(office_plans):
            if _source_time(plan, index) in existing:
                demo.count("draft invoices", False)
                continue
            data = _invoice_data(demo, plan, index)
            invoice_create(actor=demo.agents[plan.responsible], data=data)
            demo.count("draft invoices", True)


# Where the oldest demo invoices of each office end up (index in issue-date order -> target);
# the newer ones stay DRAFT. Every state of the lifecycle, paid ones and a credit note.
LIFECYCLE_PLAN: dict[int, str] = {
    0: "PAID",
    1: "PAID",
    2: "CREDITED",
    3: "PAID",
    4: "APPROVED",
    5: "APPROVED",
    6: "APPROVED",
    7: "REJECTED",
    8: "READY_FOR_APPROVAL",
    9: "READY_FOR_APPROVAL",
}
OFFICE_AGENTS = {
    "01": ("clerk.helsinki", "approver.helsinki"),
    "02": ("clerk.tampere", "approver.tampere"),
}


def step_lifecycle(demo: Demo) -> None:
    """Move the oldest demo invoices through the lifecycle with the real services (once per
    office: skipped when the office already has numbered demo invoices)."""
    for identifier, office in demo.offices.items():
        demo_invoices = Invoice.objects.filter(
            agency_office=office, source_system_code=SOURCE_SYSTEM_CODE, invoice_type_code="INVOICE"
        ).order_by("issue_date", "created_at")
        if demo_invoices.filter(invoice_number__isnull=False).exists():
            demo.count("invoices moved through the lifecycle", False, len(LIFECYCLE_PLAN))
            continue
        clerk_name, approver_name = OFFICE_AGENTS[identifier]
        clerk, approver = demo.agents[clerk_name], demo.agents[approver_name]
        invoices = list(demo_invoices[: len(LIFECYCLE_PLAN)])
        for index, invoice in enumerate(invoices):
            _move_to(LIFECYCLE_PLAN[index], invoice, clerk=clerk, approver=approver)
            demo.count("invoices moved through the lifecycle", True)


def _move_to(target: str, invoice: Invoice, *, clerk: Agent, approver: Agent) -> None:
    act = invoice_action
    act(actor=clerk, invoice_id=invoice.id, action="LOCK")
    if target == "READY_FOR_APPROVAL":
        return
    if target == "REJECTED":
        act(actor=approver, invoice_id=invoice.id, action="REJECT")
        return
    act(actor=approver, invoice_id=invoice.id, action="APPROVE")
    if target == "PAID":
        paid = min(invoice.issue_date + timedelta(days=12), timezone.localdate())
        act(actor=approver, invoice_id=invoice.id, action="MARK_AS_PAID", paid_date=paid)
    elif target == "CREDITED":
        today = timezone.localdate()
        credit_note = credit_note_create(
            actor=clerk,
            invoice_id=invoice.id,
            invoicing_date=today,
            issue_date=today,
            due_date=today + timedelta(days=14),
            reason="Toimeksianto peruttiin / assignment cancelled",
        )
        act(actor=clerk, invoice_id=credit_note.id, action="LOCK")
        act(actor=approver, invoice_id=credit_note.id, action="APPROVE")


STEPS: tuple[Callable[[Demo], None], ...] = (
    step_admin,
    step_offices,
    step_agents,
    step_parties,
    step_draft_invoices,
    step_lifecycle,
)


class Command(BaseCommand):
    help = (
        "Load demo offices, agents (password demo-password-1; superuser admin / "
        "admin-password-1), parties and invoices in every state. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG=False. Never on production: the demo passwords are public.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG=False: it creates users with publicly "
                "known passwords, which must never reach production. Use --force if this is "
                "not a production database."
            )
        demo = Demo(stdout=self.stdout)
        with transaction.atomic():
            for step in STEPS:
                step(demo)
        for kind in dict.fromkeys([*demo.created, *demo.existing]):
            self.stdout.write(
                f"{kind}: {demo.created[kind]} created, {demo.existing[kind]} already present"
            )
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
        # The compat APIs' demo configuration (GL accounts, tax rates, seed ids) on top.
        call_command("load_compat_demo_data", stdout=self.stdout)
