"""Writes for offices: create and update an agency office and its payment accounts."""

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from invoicing_project.errors import Conflict, Forbidden

from .choices import Permission
from .models import AgencyOffice, Agent, OfficePaymentAccount
from .selectors import office_get, require_permission

OFFICE_FIELDS = {
    "name",
    "office_identifier",
    "business_id",
    "vat_number",
    "email",
    "phone",
    "street_address",
    "postcode",
    "postal_area",
    "country_code",
    "default_payment_terms_code",
    "default_late_payment_fee_percentage",
    "default_notice_period",
    "non_commission_costs_included_in_commission",
    "non_commission_costs_subject_to_royalty",
    "non_commission_costs_separate_lines_to_pdf",
}


def _replace_accounts(office: AgencyOffice, accounts: Sequence[dict[str, Any]]) -> None:
    office.payment_accounts.all().delete()
    OfficePaymentAccount.objects.bulk_create(
        OfficePaymentAccount(office=office, position=i, **account)
        for i, account in enumerate(accounts)
    )


@transaction.atomic
def office_create(
    *, actor: Agent, fields: dict[str, Any], payment_accounts: Sequence[dict[str, Any]] = ()
) -> AgencyOffice:
    if not actor.is_superuser:
        raise Forbidden("Only a system administrator can create agency offices.")
    office = AgencyOffice(**{k: v for k, v in fields.items() if k in OFFICE_FIELDS})
    try:
        with transaction.atomic():
            office.save()
    except IntegrityError as exc:
        raise Conflict(
            f"An agency office with officeIdentifier {office.office_identifier} already exists."
        ) from exc
    _replace_accounts(office, payment_accounts)
    return office


@transaction.atomic
def office_update(
    *,
    actor: Agent,
    office_id,
    fields: dict[str, Any],
    payment_accounts: Sequence[dict[str, Any]] | None = None,
) -> AgencyOffice:
    require_permission(actor, office_id, Permission.MANAGE_OFFICE, action="change this office")
    office = AgencyOffice.objects.select_for_update().get(
        pk=office_get(agent=actor, office_id=office_id).pk
    )
    identifier = fields.get("office_identifier")
    if (
        identifier is not None
        and identifier != office.office_identifier
        and office.invoices.filter(invoice_number__isnull=False).exists()
    ):
        raise Conflict("officeIdentifier cannot change once the office has numbered invoices.")
    for key, value in fields.items():
        if key in OFFICE_FIELDS:
            setattr(office, key, value)
    try:
        with transaction.atomic():
            office.save()
    except IntegrityError as exc:
        raise Conflict(
            f"An agency office with officeIdentifier {identifier} already exists."
        ) from exc
    if payment_accounts is not None:
        _replace_accounts(office, payment_accounts)
    return office
