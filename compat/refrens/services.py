"""Refrens (Indian GST) invoices on our model.

* The ``urlKey`` names an office (``OfficeUrlKey``); the office is the business, and the invoice
  is issued at once (LOCK + APPROVE: numbered by the office, final PDF), since a Refrens invoice
  is born ``UNPAID``. Issuing needs the approver role.
* Each item is a VAT-excluded line at its ``gstRate`` (or ``taxRate``) through the one tax
  module. Its GST is split for display: ``cgst = round_half_up(gst / 2)``, ``sgst = gst -
  cgst`` (minor units), ``igst = gst``; the totals are the sums of the items. The invoice-level
  ``igst`` flag says which applies: ``false`` when billedBy and billedTo are in the same GST
  state, ``true`` across states or across borders.
* ``invoiceNumber`` is the client-facing number, unique per office (the ``external_id`` of the
  invoice's ``ExternalId`` row); without one, the office's last Refrens number is incremented
  (``APP-2020-0004`` -> ``APP-2020-0005``). The office's own legal number is ``invoiceNumber``
  of the primary API and is what the PDF shows.
* With an ``email`` block, the PDF is e-mailed after commit by a Celery task
  (``compat.refrens.email``).
"""

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from invoices.choices import (
    CostType,
    InvoicingMethod,
)
from invoices.locks import lock_office
from invoices.money import round_minor
from invoices.services import CostData
from invoicing_project.errors import Conflict, FieldError, ValidationFailed
from offices.models import AgencyOffice, Agent
from parties.choices import PartyType
from parties.models import Party

from .. import services as compat
from ..choices import IdKind, System
from ..models import ExternalId, OfficeUrlKey

IST = ZoneInfo("Asia/Kolkata")
SOURCE_SYSTEM_CODE = "REFRENS"
FIRST_NUMBER = "INV-0001"
TRAILING_NUMBER = re.compile(r"(\d+)(\D*)$")


@dataclass(frozen=True)
class RefrensParty:
    name: str
    country: str
    street: str = ""
    city: str = ""
    pincode: str = ""
    gst_state: str = ""
    state: str = ""
    pan_number: str = ""
    gstin: str = ""
    phone: str = ""
    email: str = ""

    def as_json(self) -> dict:
        """The seed's shape (its key order), leaving out what is empty."""
        pairs = (
            ("name", self.name),
            ("street", self.street),
            ("city", self.city),
            ("pincode", self.pincode),
            ("gstState", self.gst_state),
            ("state", self.state),
            ("country", self.country),
            ("panNumber", self.pan_number),
            ("gstin", self.gstin),
            ("phone", self.phone),
            ("email", self.email),
        )
        return {key: value for key, value in pairs if value}


@dataclass(frozen=True)
class RefrensItem:
    name: str
    rate: Decimal
    quantity: Decimal
    gst_rate: Decimal | None = None


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""

    def as_json(self) -> dict:
        return {"name": self.name, "email": self.email}


@dataclass
class RefrensInvoice:
    billed_to: RefrensParty
    items: list[RefrensItem]
    billed_by: RefrensParty | None = None
    invoice_number: str | None = None
    invoice_date: date | datetime | None = None
    due_date: date | datetime | None = None
    bill_type: str = "INVOICE"
    currency: str = "INR"
    invoice_title: str = ""
    invoice_sub_title: str = ""
    contact: dict = field(default_factory=dict)
    email_to: Recipient | None = None
    email_cc: list[Recipient] = field(default_factory=list)


# --- pure rules ---------------------------------------------------------------------------------


def next_invoice_number(last: str | None) -> str:
    """The number after *last*: its trailing digits plus one, zero-padded to their width
    (``APP-2020-0004`` -> ``APP-2020-0005``, ``INV-9`` -> ``INV-10``); a number without digits
    gets ``-1``; no number at all ``INV-0001``."""
    if not last:
        return FIRST_NUMBER
    match = TRAILING_NUMBER.search(last)
    if match is None:
        return f"{last}-1"
    digits, suffix = match.group(1), match.group(2)
    return last[: match.start(1)] + str(int(digits) + 1).zfill(len(digits)) + suffix


def gst_state(value: str) -> str:
    """GST state codes are two digits (``7`` and ``07`` are both Delhi)."""
    value = value.strip()
    return value.zfill(2) if value.isdigit() else value.upper()


def is_igst(billed_by: RefrensParty, billed_to: RefrensParty) -> bool:
    """IGST across states and across borders; CGST + SGST within one state."""
    if billed_by.country != "IN" or billed_to.country != "IN":
        return True
    return gst_state(billed_by.gst_state) != gst_state(billed_to.gst_state)


def gst_split(gst: Decimal) -> tuple[Decimal, Decimal]:
    """``(cgst, sgst)`` of one line's GST in minor units: half, rounded half-up, and the rest."""
    cgst = round_minor(Decimal(gst) / 2)
    return cgst, Decimal(gst) - cgst


def utc_datetime(value: date | datetime) -> datetime:
    """A request's date or date-time as an aware date-time. A date alone is midnight UTC and a
    date-time without an offset is UTC, as JavaScript's ``Date`` reads them (Refrens clients
    are JavaScript); the invoice's own date is then the date in India (``IST``)."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(0), tzinfo=UTC)


def iso_z(value: datetime) -> str:
    """``2021-06-18T12:08:38.000Z`` (UTC, milliseconds), as Refrens writes date-times."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


# --- create -------------------------------------------------------------------------------------


def _vendor(office: AgencyOffice, key: OfficeUrlKey, billed_by: RefrensParty | None):
    if billed_by is not None:
        if not billed_by.gst_state and key.gst_state:
            return replace(billed_by, gst_state=key.gst_state)
        return billed_by
    return RefrensParty(
        name=office.name,
        country="IN" if key.gst_state else office.country_code,
        street=office.street_address,
        city=office.postal_area,
        pincode=office.postcode,
        gst_state=key.gst_state,
        email=office.email,
        phone=office.phone,
    )


def _check_states(billed_by: RefrensParty, billed_to: RefrensParty) -> None:
    errors = []
    if billed_to.country == "IN" and not billed_to.gst_state:
        errors.append(FieldError("billedTo.gstState", "VALUE_REQUIRED", "required for India"))
    if billed_to.country == "IN" and billed_by.country == "IN" and not billed_by.gst_state:
        errors.append(
            FieldError(
                "billedBy.gstState",
                "VALUE_REQUIRED",
                "required for India (send billedBy, or set the business's GST state)",
            )
        )
    if errors:
        raise ValidationFailed("The GST state decides between CGST + SGST and IGST.", errors)


def _customer(actor: Agent, office: AgencyOffice, billed_to: RefrensParty) -> Party:
    if billed_to.gstin:
        key = f"gstin:{billed_to.gstin.upper()}"
    elif billed_to.email:
        key = f"email:{billed_to.email.lower()}"
    else:
        key = f"name:{billed_to.name.casefold()}:{billed_to.pincode}"
    party = compat.mapped_party(
        system=System.REFRENS, kind=IdKind.CUSTOMER, office_id=office.pk, foreign_id=key[:100]
    )
    if party is not None:
        return party
    return compat.party_create_mapped(
        actor=actor,
        office_id=office.pk,
        system=System.REFRENS,
        kind=IdKind.CUSTOMER,
        foreign_id=key[:100],
        fields={
            "party_type": PartyType.ORGANISATION if billed_to.gstin else PartyType.PERSON,
            "name": billed_to.name,
            "email": billed_to.email,
            "phone": billed_to.phone,
            "street_address": billed_to.street,
            "postcode": billed_to.pincode,
            "postal_area": billed_to.city,
            "country_code": billed_to.country,
            "state_code": gst_state(billed_to.gst_state) if billed_to.gst_state else "",
        },
    )


def _costs(data: RefrensInvoice, currency: str) -> list[CostData]:
    return [
        CostData(
            amount=compat.minor(item.rate, currency, f"items[{i}].rate"),
            quantity=item.quantity,
            vat_percentage=(
                Decimal(0) if data.bill_type == "BOS" else (item.gst_rate or Decimal(0))
            ),
            cost_type_code=CostType.GOODS,
            name=item.name,
        )
        for i, item in enumerate(data.items)
    ]


def _number(office: AgencyOffice, requested: str | None) -> str:
    """The invoice's Refrens number (the caller holds the office row lock, so two requests
    cannot take the same one; the unique constraint is the last line of defence)."""
    numbers = ExternalId.objects.filter(system=System.REFRENS, kind=IdKind.INVOICE, office=office)
    if requested is not None:
        number = requested.strip()
        if numbers.filter(external_id=number).exists():
            raise Conflict(
                f"Invoice number {number} is already used by another invoice of this business.",
                [FieldError("invoiceNumber", "INVALID_VALUE", "must be unique")],
            )
        return number
    last = numbers.order_by("-created_at", "-id").first()
    number = next_invoice_number(last.external_id if last else None)
    while numbers.filter(external_id=number).exists():
        number = next_invoice_number(number)
    return number


@transaction.atomic
def refrens_invoice_create(
    *, actor: Agent, url_key: str, data: RefrensInvoice, share_base_url: str
) -> ExternalId:
    """Create and issue the invoice; returns its ``ExternalId`` (number and Refrens data)."""
    office, key = compat.office_for_url_key(agent=actor, system=System.REFRENS, url_key=url_key)
    compat.require_issuing(actor, office.pk, action="create invoices (issuing approves them)")
    # One Refrens create at a time per office: the number (and a new customer) are chosen
    # under the office row lock, which the LOCK's numbering takes anyway.
    lock_office(office.pk)
    currency = compat.currency_check(data.currency, "currency")
    billed_by = _vendor(office, key, data.billed_by)
    _check_states(billed_by, data.billed_to)
    igst = is_igst(billed_by, data.billed_to)
    costs = _costs(data, currency)
    party = _customer(actor, office, data.billed_to)
    issued_at = utc_datetime(data.invoice_date) if data.invoice_date else timezone.now()
    due_at = utc_datetime(data.due_date) if data.due_date else None
    to = data.billed_to
    number = _number(office, data.invoice_number)
    email = None
    if data.email_to is not None:
        email = {
            "to": data.email_to.as_json(),
            "cc": [r.as_json() for r in data.email_cc],
            "sentAt": None,
        }
    invoice, mapping = compat.invoice_create_mapped(
        actor=actor,
        system=System.REFRENS,
        party=party,
        currency=currency,
        issue_date=issued_at.astimezone(IST).date(),
        costs=costs,
        source_system_code=SOURCE_SYSTEM_CODE,
        # Refrens mails the invoice itself, when the request has an email block.
        invoicing_method_code=InvoicingMethod.EXTERNAL,
        external_id=number,
        mapping_data={
            "billType": data.bill_type,
            "invoiceTitle": data.invoice_title or "Invoice",
            "invoiceSubTitle": data.invoice_sub_title,
            "contact": data.contact,
            "invoiceDate": iso_z(issued_at),
            "dueDate": iso_z(due_at) if due_at else None,
            "billedBy": billed_by.as_json(),
            "billedTo": data.billed_to.as_json(),
            "igst": igst,
            "email": email,
            "shareBaseUrl": share_base_url,
        },
        due_date=due_at.astimezone(IST).date() if due_at else None,
        billing_recipient=to.name,
        billing_street_address=to.street,
        billing_postcode=to.pincode,
        billing_postal_area=to.city,
        billing_country_code=to.country,
        source_system_creation_time=issued_at,
    )
    compat.invoice_issue(actor=actor, invoice_id=invoice.pk)
    if email is not None:
        from ..tasks import send_refrens_invoice_email  # here: tasks -> email -> this module

        mapping_id = mapping.pk
        transaction.on_commit(lambda: send_refrens_invoice_email.delay(mapping_id))
    return mapping
