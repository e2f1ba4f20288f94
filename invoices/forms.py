"""Forms of the clerk UI for invoices. They check shape only and hand plain data to the services.

* ``InvoiceForm`` + ``CostFormSet``: the draft editor. ``invoice_data`` turns them into the
  service's ``InvoiceData`` (amounts typed in euros with a comma or a dot become minor units);
  ``apply_service_errors`` puts the service's ``FieldError``s (API-style targets such as
  ``invoice.costs[0].amount``) next to the matching form fields.
* ``editor_totals``: live totals of an unsaved editor form, from the same ``invoices.tax``
  functions the services use.
* ``InvoiceFilterForm``: the list's filters, named as the API's search parameters.
* ``CreditNoteForm``, ``ActionForm``: the detail page's forms.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing_project.errors import FieldError
from offices.choices import payment_terms_days

from . import tax
from .choices import (
    REASON_ID_FIELD,
    REASON_REQUIRED_ID,
    REQUESTABLE_ACTIONS,
    CostType,
    InvoicingMethod,
    InvoicingReason,
)
from .models import Invoice
from .money import minor_unit_exponent, to_minor
from .services import CostData, DiscountData, InvoiceData, PaymentAccountData
from .ui.display import (
    ACTION_LABELS,
    COST_TYPE_LABELS,
    METHOD_LABELS,
    REASON_LABELS,
    STATUS_LABELS,
    TERMS_LABELS,
    TYPE_LABELS,
    amount_input,
    choices,
    format_percentage,
    parse_decimal,
    percentage_input,
)

VAT_RATES = ("25.5", "14", "13.5", "10", "0")
COST_PREFIX = "costs"
OTHER_RATE = "other"
ENTITY_ID_FIELDS = tuple(REASON_ID_FIELD.values())
# Which reasons show which entity id field (for the editor's show/hide).
REASONS_BY_ID_FIELD = {
    field: [reason for reason, api in REASON_REQUIRED_ID.items() if api == api_name]
    for api_name, field in REASON_ID_FIELD.items()
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AmountField(forms.CharField):
    """An amount typed in major units (``1 234,56`` or ``1234.56``) -> ``int`` minor units."""

    def __init__(self, *, currency: str = "EUR", allow_negative: bool = False, **kwargs):
        self.currency = currency
        self.allow_negative = allow_negative
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            major = parse_decimal(text)
        except ValueError:
            raise forms.ValidationError(
                _("Enter an amount in euros, such as 1234,50."), code="invalid"
            ) from None
        exponent = minor_unit_exponent(self.currency)
        if major != major.quantize(Decimal(1).scaleb(-exponent)):
            raise forms.ValidationError(
                _("Use at most %(places)s decimals.") % {"places": exponent}, code="invalid"
            )
        if major < 0 and not self.allow_negative:
            raise forms.ValidationError(_("Enter a positive amount."), code="min_value")
        if abs(major) >= Decimal(10) ** 12:
            raise forms.ValidationError(_("The amount is too large."), code="max_value")
        return to_minor(major, self.currency)


class PercentageField(forms.CharField):
    """A VAT or interest percentage, typed with a comma or a dot, 0-100."""

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            percentage = parse_decimal(text)
        except ValueError:
            raise forms.ValidationError(
                _("Enter a percentage such as 25,5."), code="invalid"
            ) from None
        if not Decimal(0) <= percentage <= Decimal(100):
            raise forms.ValidationError(_("Enter a percentage from 0 to 100."), code="invalid")
        if percentage != percentage.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Use at most 2 decimals."), code="invalid")
        return percentage


def vat_choices() -> list[tuple[str, str]]:
    return [(rate, format_percentage(Decimal(rate))) for rate in VAT_RATES] + [
        (OTHER_RATE, _("Other…"))
    ]


def vat_initial(percentage: Decimal | None) -> tuple[str, str]:
    """A stored VAT rate -> (choice, other text) for the select-plus-free-input pair."""
    if percentage is None:
        return VAT_RATES[0], ""
    text = format(Decimal(percentage).normalize(), "f")
    if text in VAT_RATES:
        return text, ""
    return OTHER_RATE, percentage_input(Decimal(percentage))


def _vat_from(cleaned: dict, choice_field: str, other_field: str, form: forms.Form):
    choice = cleaned.get(choice_field)
    if choice == OTHER_RATE:
        other = cleaned.get(other_field)
        if other is None:
            if other_field not in form.errors:
                form.add_error(other_field, _("Enter the VAT percentage."))
            return None
        return other
    return Decimal(choice) if choice else None


class PartyIdsField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        ids = []
        for item in value or []:
            try:
                ids.append(UUID(str(item)))
            except ValueError:
                raise forms.ValidationError(
                    _("Choose parties from the list."), code="invalid"
                ) from None
        return ids


class CostForm(forms.Form):
    cost_type_code = forms.ChoiceField(label=_("Type"), initial=CostType.OTHER)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    amount = AmountField(label=_("Amount (€)"))
    vat_choice = forms.ChoiceField(label=_("VAT %"), initial=VAT_RATES[0])
    vat_other = PercentageField(label=_("Other VAT %"), required=False)
    includes_vat = forms.BooleanField(label=_("Includes VAT"), required=False)
    included_in_commission = forms.BooleanField(label=_("Commission base"), required=False)
    # Kept as they are (the API and the compat APIs set them; the editor does not show them):
    # quantity, reverse charge, a line discount in minor units, item and bookkeeping codes.
    quantity = forms.DecimalField(
        required=False, widget=forms.HiddenInput, max_digits=14, decimal_places=4, localize=False
    )
    reverse_charge = forms.BooleanField(required=False, widget=forms.HiddenInput)
    line_discount = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    name = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    item_code = forms.CharField(required=False, max_length=50, widget=forms.HiddenInput)
    barcode = forms.CharField(required=False, max_length=50, widget=forms.HiddenInput)
    product_code = forms.CharField(required=False, max_length=50, widget=forms.HiddenInput)
    account_code = forms.CharField(required=False, max_length=50, widget=forms.HiddenInput)

    def __init__(self, *args, currency: str = "EUR", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cost_type_code"].choices = choices(COST_TYPE_LABELS)
        self.fields["vat_choice"].choices = vat_choices()
        self.fields["amount"].currency = currency
        self.fields["amount"].label = _("Amount (%(currency)s)") % {
            "currency": "€" if currency == "EUR" else currency
        }

    def clean(self):
        cleaned = super().clean()
        cleaned["vat_percentage"] = _vat_from(cleaned, "vat_choice", "vat_other", self)
        if cleaned.get("reverse_charge") and cleaned.get("includes_vat"):
            self.add_error("includes_vat", _("A reverse-charge line excludes VAT."))
        return cleaned


class BaseCostFormSet(forms.BaseFormSet):
    def __init__(self, *args, currency: str = "EUR", **kwargs):
        kwargs.setdefault("form_kwargs", {})["currency"] = currency
        kwargs.setdefault("prefix", COST_PREFIX)
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields[forms.formsets.DELETION_FIELD_NAME].label = _("Remove")

    def new_row(self, index: int) -> CostForm:
        """Row *index* as the formset makes an extra form (empty allowed, no ``required``)."""
        return self._construct_form(index)


CostFormSet = forms.formset_factory(
    CostForm,
    formset=BaseCostFormSet,
    extra=0,
    can_delete=True,
    max_num=settings.INVOICING_MAX_LINES,
    validate_max=True,
)


class InvoiceForm(forms.Form):
    agency_office = forms.TypedChoiceField(label=_("Office"), coerce=UUID)
    invoicing_reason_code = forms.ChoiceField(
        label=_("Invoicing reason"), initial=InvoicingReason.OTHER
    )
    assignment_id = forms.UUIDField(label=_("Assignment id"), required=False)
    trade_settlement_id = forms.UUIDField(label=_("Trade settlement id"), required=False)
    rental_settlement_id = forms.UUIDField(label=_("Rental settlement id"), required=False)
    realty_id = forms.UUIDField(label=_("Realty id"), required=False)
    currency_code = forms.CharField(widget=forms.HiddenInput, initial="EUR", max_length=3)
    issue_date = forms.DateField(label=_("Issue date"), widget=DateInput)
    payment_terms_code = forms.ChoiceField(label=_("Payment terms"))
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)
    invoicing_method_code = forms.ChoiceField(label=_("Sent as"), required=False)
    e_invoicing_address = forms.CharField(
        label=_("E-invoicing address"), max_length=35, required=False
    )
    e_invoicing_operator_id = forms.CharField(label=_("Operator id"), max_length=35, required=False)
    e_invoicing_operator_name = forms.CharField(
        label=_("Operator name"), max_length=100, required=False
    )
    parties = PartyIdsField(label=_("Invoiced parties"), required=False)
    primary_party = forms.UUIDField(label=_("Primary party"), required=False)
    discount_amount = AmountField(label=_("Discount"), required=False)
    discount_vat_choice = forms.ChoiceField(label=_("Discount VAT %"), initial=VAT_RATES[0])
    discount_vat_other = PercentageField(label=_("Other VAT %"), required=False)
    discount_includes_vat = forms.BooleanField(
        label=_("Discount includes VAT"), required=False, initial=True
    )
    discount_description = forms.CharField(
        label=_("Discount description"), max_length=200, required=False
    )
    down_payment = AmountField(label=_("Down payment"), required=False)

    def __init__(self, *args, offices=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency_office"].choices = [(str(o.id), o.name) for o in offices]
        if editing:
            self.fields["agency_office"].disabled = True
        self.fields["invoicing_reason_code"].choices = choices(REASON_LABELS)
        self.fields["payment_terms_code"].choices = choices(TERMS_LABELS)
        self.fields["invoicing_method_code"].choices = [
            ("", _("The primary party's channel"))
        ] + choices(METHOD_LABELS)
        self.fields["discount_vat_choice"].choices = vat_choices()
        currency = (self.data.get(self.add_prefix("currency_code")) if self.is_bound else None) or (
            self.initial.get("currency_code") or "EUR"
        )
        for name in ("discount_amount", "down_payment"):
            self.fields[name].currency = currency if len(currency) == 3 else "EUR"

    def clean_currency_code(self):
        code = self.cleaned_data["currency_code"].upper()
        if code not in settings.CURRENCIES:
            raise forms.ValidationError(_("Unknown currency."))
        return code

    def clean(self):
        cleaned = super().clean()
        cleaned["discount_vat_percentage"] = _vat_from(
            cleaned, "discount_vat_choice", "discount_vat_other", self
        )
        if cleaned.get("invoicing_method_code") == InvoicingMethod.EINVOICING:
            for name in ("e_invoicing_address", "e_invoicing_operator_id"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("E-invoicing needs this."))
        primary = cleaned.get("primary_party")
        parties = cleaned.get("parties") or []
        if primary is not None and primary not in parties:
            cleaned["primary_party"] = None
        return cleaned


# --- editor: initial values, InvoiceData, errors, live totals --------------------------------


def editor_initial(invoice: Invoice | None, *, office=None) -> tuple[dict, list[dict]]:
    """Initial values of ``InvoiceForm`` and the cost rows, for a new invoice or a draft."""
    if invoice is None:
        today = timezone.localdate()
        terms = office.default_payment_terms_code if office else "NET_14"
        return {
            "agency_office": str(office.id) if office else None,
            "currency_code": "EUR",
            "issue_date": today,
            "payment_terms_code": terms,
            "due_date": today + timedelta(days=payment_terms_days(terms)),
            "discount_includes_vat": True,
        }, []
    currency = invoice.currency_code
    discount_choice, discount_other = vat_initial(invoice.discount_vat_percentage)
    links = list(invoice.invoiced_parties.all())
    initial = {
        "agency_office": str(invoice.agency_office_id),
        "invoicing_reason_code": invoice.invoicing_reason_code,
        "currency_code": currency,
        "issue_date": invoice.issue_date,
        "payment_terms_code": invoice.payment_terms_code,
        "due_date": invoice.due_date,
        "invoicing_method_code": invoice.invoicing_method_code,
        "e_invoicing_address": invoice.e_invoicing_address,
        "e_invoicing_operator_id": invoice.e_invoicing_operator_id,
        "e_invoicing_operator_name": invoice.e_invoicing_operator_name,
        "parties": [link.party_id for link in links],
        "primary_party": next((link.party_id for link in links if link.is_primary), None),
        "discount_amount": amount_input(
            to_minor(invoice.discount_amount.amount, currency) if invoice.discount_amount else None,
            currency,
        ),
        "discount_vat_choice": discount_choice,
        "discount_vat_other": discount_other,
        "discount_includes_vat": invoice.discount_includes_vat,
        "discount_description": invoice.discount_description,
        "down_payment": amount_input(to_minor(invoice.down_payment.amount, currency), currency)
        if invoice.down_payment.amount
        else "",
    }
    for field in ENTITY_ID_FIELDS:
        initial[field] = getattr(invoice, field)
    rows = []
    for line in invoice.lines.all():
        choice, other = vat_initial(line.vat_percentage)
        rows.append(
            {
                "cost_type_code": line.cost_type_code,
                "description": line.description,
                "amount": amount_input(to_minor(line.unit_amount.amount, currency), currency),
                "vat_choice": choice,
                "vat_other": other,
                "includes_vat": line.includes_vat,
                "included_in_commission": line.included_in_commission,
                "quantity": line.quantity,
                "reverse_charge": line.reverse_charge,
                "line_discount": to_minor(line.discount_amount.amount, currency) or None,
                "name": line.name,
                "item_code": line.item_code,
                "barcode": line.barcode,
                "product_code": line.product_code,
                "account_code": line.account_code,
            }
        )
    return initial, rows


@dataclass
class EditorCosts:
    costs: list[CostData]
    form_indexes: list[int]  # costs[i] came from formset.forms[form_indexes[i]]


def editor_costs(formset) -> EditorCosts:
    """The cost lines of a valid formset: not removed, not left empty."""
    costs, indexes = [], []
    for index, form in enumerate(formset.forms):
        if formset.can_delete and formset._should_delete_form(form):
            continue
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("amount") is None or data.get("vat_percentage") is None:
            continue
        costs.append(
            CostData(
                amount=data["amount"],
                vat_percentage=data["vat_percentage"],
                includes_vat=bool(data.get("includes_vat")),
                cost_type_code=data.get("cost_type_code") or CostType.OTHER,
                description=data.get("description") or "",
                included_in_commission=bool(data.get("included_in_commission")),
                reverse_charge=bool(data.get("reverse_charge")),
                quantity=data.get("quantity") or Decimal(1),
                discount=data.get("line_discount") or 0,
                name=data.get("name") or "",
                item_code=data.get("item_code") or "",
                barcode=data.get("barcode") or "",
                product_code=data.get("product_code") or "",
                account_code=data.get("account_code") or "",
            )
        )
        indexes.append(index)
    return EditorCosts(costs, indexes)


def invoice_data(
    form: InvoiceForm, costs: EditorCosts, *, invoice: Invoice | None = None
) -> InvoiceData:
    """The editor's cleaned data -> the service's ``InvoiceData``.

    What the editor does not show is kept from the draft being edited (payment accounts,
    late-payment interest, notice period, responsible agent, source system, deduction); the
    billing address follows the primary party unless the draft had its own and the primary
    party did not change.
    """
    data = form.cleaned_data
    reason = data["invoicing_reason_code"]
    required = REASON_REQUIRED_ID.get(reason)
    if required:
        ids = dict.fromkeys(ENTITY_ID_FIELDS)
        ids[REASON_ID_FIELD[required]] = data.get(REASON_ID_FIELD[required])
    else:
        ids = {f: getattr(invoice, f) if invoice else None for f in ENTITY_ID_FIELDS}
    discount = None
    if data.get("discount_amount"):
        discount = DiscountData(
            amount=data["discount_amount"],
            vat_percentage=data.get("discount_vat_percentage") or Decimal(0),
            includes_vat=bool(data.get("discount_includes_vat")),
            description=data.get("discount_description") or "",
        )
    method = data.get("invoicing_method_code") or None
    result = InvoiceData(
        agency_office_id=invoice.agency_office_id if invoice else data["agency_office"],
        invoicing_reason_code=reason,
        currency_code=data.get("currency_code") or "EUR",
        issue_date=data["issue_date"],
        due_date=data["due_date"],
        payment_terms_code=data["payment_terms_code"],
        invoicing_method_code=method,
        e_invoicing_address=data.get("e_invoicing_address") or "",
        e_invoicing_operator_id=data.get("e_invoicing_operator_id") or "",
        e_invoicing_operator_name=data.get("e_invoicing_operator_name") or "",
        party_ids=list(data.get("parties") or []),
        primary_party_id=data.get("primary_party"),
        discount=discount,
        down_payment=data.get("down_payment") or 0,
        costs=costs.costs,
        **ids,
    )
    if invoice is not None:
        old_primary = next(
            (p.party_id for p in invoice.invoiced_parties.all() if p.is_primary), None
        )
        new_primary = result.primary_party_id or (result.party_ids[0] if result.party_ids else None)
        result.responsible_agent_id = invoice.responsible_agent_id
        result.commission_id = invoice.commission_id
        result.source_system_code = invoice.source_system_code
        result.source_system_creation_time = invoice.source_system_creation_time
        result.deduction = to_minor(invoice.deduction.amount, invoice.currency_code)
        result.late_payment_fee_percentage = invoice.late_payment_fee_percentage
        result.notice_period = invoice.notice_period
        result.other_payment_terms_description = invoice.other_payment_terms_description
        result.direction = invoice.direction
        if invoice.invoicing_date and invoice.invoicing_date != invoice.issue_date:
            result.invoicing_date = invoice.invoicing_date
        result.payment_accounts = [
            PaymentAccountData(
                iban=a.iban, bic=a.bic, bank_name=a.bank_name, account_holder=a.account_holder
            )
            for a in invoice.payment_accounts.all()
        ]
        if old_primary == new_primary:
            result.billing_recipient = invoice.billing_recipient
            result.billing_street_address = invoice.billing_street_address
            result.billing_postcode = invoice.billing_postcode
            result.billing_postal_area = invoice.billing_postal_area
            result.billing_country_code = invoice.billing_country_code
    return result


# API-style target -> editor field. Unknown targets become errors of the whole form.
TARGET_FIELDS = {
    "invoice.agencyOfficeId": "agency_office",
    "invoicingReasonCode": "invoicing_reason_code",
    "invoice.issueDate": "issue_date",
    "invoice.invoicingDate": "issue_date",
    "invoice.dueDate": "due_date",
    "invoice.invoicedParties": "parties",
    "invoice.invoicedParties.primaryId": "parties",
    "invoice.discount": "discount_amount",
    "invoice.discount.amount": "discount_amount",
    "invoice.discount.vatPercentage": "discount_vat_choice",
    "invoice.downPayment": "down_payment",
    "invoice.terms.paymentTerms.paymentTermsCode": "payment_terms_code",
    "invoice.terms.invoicing.invoicingMethodCode": "invoicing_method_code",
    "invoice.terms.invoicing.eInvoicing": "e_invoicing_address",
    **{api: field for api, field in REASON_ID_FIELD.items()},
    **{f"invoice.{api}": field for api, field in REASON_ID_FIELD.items()},
}
COST_FIELDS = {
    "amount": "amount",
    "vatPercentage": "vat_choice",
    "includesVat": "includes_vat",
    "costTypeCode": "cost_type_code",
    "description": "description",
    "includedInCommission": "included_in_commission",
}
COST_TARGET = re.compile(r"^invoice\.costs\[(\d+)\]\.(\w+)$")
PARTY_TARGET = re.compile(r"^invoice\.invoicedParties\.parties\[(\d+)\]\.partyId$")

# Service messages are English; the ones the editor meets most get the reader's language.
MESSAGES = {
    ("invoice.dueDate", "INVALID_VALUE"): _("The due date cannot be before the issue date."),
    ("VALUE_REQUIRED", "entity"): _("The invoicing reason needs this id."),
}


def _message(error: FieldError) -> str:
    if (error.target, error.error_code) in MESSAGES:
        return MESSAGES[(error.target, error.error_code)]
    if error.error_code == "VALUE_REQUIRED" and error.target in REASON_ID_FIELD:
        return MESSAGES[("VALUE_REQUIRED", "entity")]
    if PARTY_TARGET.match(error.target):
        return _("A party does not belong to the office or is listed twice.")
    return error.message


def apply_service_errors(
    form: InvoiceForm, formset, costs: EditorCosts, errors: list[FieldError]
) -> None:
    """Put the service's field errors next to the editor fields they are about."""
    for error in errors:
        message = _message(error)
        match = COST_TARGET.match(error.target)
        if match and int(match.group(1)) < len(costs.form_indexes):
            cost_form = formset.forms[costs.form_indexes[int(match.group(1))]]
            cost_form.add_error(COST_FIELDS.get(match.group(2)), message)
            continue
        if error.target == "invoice.costs":
            formset._non_form_errors = formset.error_class(
                [*formset.non_form_errors(), message], error_class="nonform"
            )
            continue
        if PARTY_TARGET.match(error.target):
            form.add_error("parties", message)
            continue
        form.add_error(TARGET_FIELDS.get(error.target), message)


@dataclass(frozen=True)
class EditorTotals:
    totals: tax.Totals
    currency: str
    skipped_rows: int


def editor_totals(form: InvoiceForm, formset) -> EditorTotals:
    """Totals of an unsaved editor form with ``invoices.tax``, as the services compute them:
    the lines, then the discount as a negative line; rows that do not validate yet are left out."""
    form.is_valid()
    currency = form.cleaned_data.get("currency_code") or "EUR"
    lines, skipped = [], 0
    for cost_form in formset.forms:
        valid = cost_form.is_valid()
        if formset._should_delete_form(cost_form):
            continue
        if not valid:
            skipped += 1
            continue
        data = cost_form.cleaned_data
        if not data or data.get("amount") is None:
            continue
        lines.append(
            tax.LineInput(
                unit_amount=Decimal(data["amount"]),
                vat_percentage=data["vat_percentage"],
                includes_vat=bool(data.get("includes_vat")),
                quantity=data.get("quantity") or Decimal(1),
                reverse_charge=bool(data.get("reverse_charge")),
                discount=Decimal(data.get("line_discount") or 0),
            )
        )
    cleaned = form.cleaned_data
    if cleaned.get("discount_amount"):
        lines.append(
            tax.discount_line(
                Decimal(cleaned["discount_amount"]),
                cleaned.get("discount_vat_percentage") or Decimal(0),
                bool(cleaned.get("discount_includes_vat")),
            )
        )
    totals = tax.invoice_totals(lines, down_payment=Decimal(cleaned.get("down_payment") or 0))
    return EditorTotals(totals, currency, skipped)


def due_date_for(issue: date | None, terms_code: str | None) -> date | None:
    if issue is None:
        return None
    return issue + timedelta(days=payment_terms_days(terms_code or "NET_14"))


# --- list filters ------------------------------------------------------------------------------


class InvoiceFilterForm(forms.Form):
    """The list's filters. Field names are the API's search parameters (``q`` is the free-text
    search), so a list URL, its CSV export and an API search read the same."""

    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    statusCode = forms.ChoiceField(label=_("Status"), required=False)
    invoiceTypeCode = forms.ChoiceField(label=_("Type"), required=False)
    invoicingReasonCode = forms.ChoiceField(label=_("Reason"), required=False)
    agencyOfficeId = forms.ChoiceField(label=_("Office"), required=False)
    isPaid = forms.ChoiceField(label=_("Paid"), required=False)
    issueDateAfter = forms.DateField(label=_("Issued from"), required=False, widget=DateInput)
    issueDateBefore = forms.DateField(label=_("Issued before"), required=False, widget=DateInput)
    dueDateAfter = forms.DateField(label=_("Due from"), required=False, widget=DateInput)
    dueDateBefore = forms.DateField(label=_("Due before"), required=False, widget=DateInput)

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["statusCode"].choices = anything + choices(STATUS_LABELS)
        self.fields["invoiceTypeCode"].choices = anything + choices(TYPE_LABELS)
        self.fields["invoicingReasonCode"].choices = anything + choices(REASON_LABELS)
        self.fields["agencyOfficeId"].choices = anything + [(str(o.id), o.name) for o in offices]
        self.fields["isPaid"].choices = anything + [("true", _("Paid")), ("false", _("Unpaid"))]


LIST_PARAMS = (
    "statusCode",
    "invoiceTypeCode",
    "invoicingReasonCode",
    "agencyOfficeId",
    "isPaid",
    "issueDateAfter",
    "issueDateBefore",
    "dueDateAfter",
    "dueDateBefore",
    "sort",
    "partyId",
)
FREE_TEXT_MIN = 3


def search_params(query) -> dict[str, list[str]]:
    """The list's query string -> ``invoice_search`` parameters (empty values dropped, ``q`` as
    ``freeTextSearch`` once it has 3 characters)."""
    params: dict[str, list[str]] = {}
    for name in LIST_PARAMS:
        values = [v for v in query.getlist(name) if v.strip()]
        if values:
            params[name] = values
    text = query.get("q", "").strip()
    if len(text) >= FREE_TEXT_MIN:
        params["freeTextSearch"] = [text[:50]]
    return params


# --- detail page -------------------------------------------------------------------------------


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in REQUESTABLE_ACTIONS])
    paid_date = forms.DateField(label=_("Paid on"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, ACTION_LABELS[a]) for a in REQUESTABLE_ACTIONS]


class CreditNoteForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the credit note"), max_length=200)
    issue_date = forms.DateField(label=_("Issue date"), widget=DateInput)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)
    invoicing_method_code = forms.ChoiceField(label=_("Sent as"), required=False)
    payment_terms_description = forms.CharField(
        label=_("Payment terms text"), max_length=500, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoicing_method_code"].choices = [
            ("", _("As the invoice")),
            (InvoicingMethod.EMAIL, METHOD_LABELS[InvoicingMethod.EMAIL]),
            (InvoicingMethod.PAPER, METHOD_LABELS[InvoicingMethod.PAPER]),
        ]

    @staticmethod
    def initial_for(invoice: Invoice) -> dict:
        today = timezone.localdate()
        return {"issue_date": today, "due_date": due_date_for(today, invoice.payment_terms_code)}
