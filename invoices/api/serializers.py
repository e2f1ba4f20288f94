"""Invoice API serializers: camelCase exactly as the primary seed. Input ones check shape only."""

from django.conf import settings
from rest_framework import serializers

from invoicing_project.api.fields import (
    MinorUnitsField,
    PercentageField,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictDateTimeField,
    StrictIntegerField,
    StrictUUIDField,
    UtcDateTimeField,
)
from invoicing_project.api.serializers import MinorUnitsOut, OmitNullMixin, PaymentAccountSerializer
from offices.choices import PaymentTermsCode

from ..choices import (
    REQUESTABLE_ACTIONS,
    CostType,
    InvoiceStatus,
    InvoiceType,
    InvoicingMethod,
    InvoicingReason,
)
from ..commission import commission_summary
from ..references import is_valid_finnish_reference, rf_reference
from ..services import CostData, DiscountData, InvoiceData, PaymentAccountData, invoice_totals

# --- input -------------------------------------------------------------------------------------


class DiscountInput(serializers.Serializer):
    amount = MinorUnitsField(min_value=0)
    includesVat = StrictBooleanField(source="includes_vat", required=False, default=True)
    vatPercentage = PercentageField(source="vat_percentage")
    description = StrictCharField(max_length=200, required=False, allow_blank=True, default="")


class CostInput(serializers.Serializer):
    amount = MinorUnitsField()
    costTypeCode = StrictChoiceField(source="cost_type_code", choices=CostType.choices)
    description = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
    vatPercentage = PercentageField(source="vat_percentage")
    includesVat = StrictBooleanField(source="includes_vat", required=False, default=False)
    includedInCommission = StrictBooleanField(
        source="included_in_commission", required=False, default=False
    )
    reverseCharge = StrictBooleanField(source="reverse_charge", required=False, default=False)

    def validate(self, attrs):
        if attrs["reverse_charge"] and attrs["includes_vat"]:
            raise serializers.ValidationError(
                {"reverseCharge": "reverse-charge costs exclude VAT: includesVat must be false"}
            )
        return attrs


class PartyRefInput(serializers.Serializer):
    partyId = StrictUUIDField(source="party_id")


class InvoicedPartiesInput(serializers.Serializer):
    primaryId = StrictUUIDField(source="primary_id", required=False, allow_null=True)
    parties = PartyRefInput(many=True, max_length=20)


class PaymentTermsInput(serializers.Serializer):
    paymentTermsCode = StrictChoiceField(
        source="payment_terms_code", choices=PaymentTermsCode.choices
    )
    otherPaymentTermsDescription = StrictCharField(
        source="other_payment_terms_description", max_length=500, required=False, allow_blank=True
    )


class EInvoicingSerializer(serializers.Serializer):
    eInvoicingAddress = StrictCharField(source="e_invoicing_address", max_length=35)
    operatorId = StrictCharField(source="e_invoicing_operator_id", max_length=35)
    operatorName = StrictCharField(
        source="e_invoicing_operator_name", max_length=100, required=False, allow_blank=True
    )


class InvoicingInput(serializers.Serializer):
    invoicingMethodCode = StrictChoiceField(
        source="invoicing_method_code", choices=InvoicingMethod.choices
    )
    eInvoicing = EInvoicingSerializer(source="e_invoicing", required=False)

    def validate(self, attrs):
        if attrs["invoicing_method_code"] == InvoicingMethod.EINVOICING and not attrs.get(
            "e_invoicing"
        ):
            raise serializers.ValidationError(
                {"eInvoicing": serializers.ErrorDetail("eInvoicing is required", code="required")}
            )
        return attrs


class TermsInput(serializers.Serializer):
    paymentTerms = PaymentTermsInput(source="payment_terms", required=False)
    latePaymentFeePercentage = PercentageField(source="late_payment_fee_percentage", required=False)
    noticePeriod = StrictIntegerField(
        source="notice_period", min_value=0, max_value=365, required=False
    )
    invoicing = InvoicingInput(required=False)


class BillingAddressInput(serializers.Serializer):
    recipient = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    streetAddress = StrictCharField(
        source="street_address", max_length=200, required=False, allow_blank=True, default=""
    )
    postcode = StrictCharField(max_length=20, required=False, allow_blank=True, default="")
    postalArea = StrictCharField(
        source="postal_area", max_length=100, required=False, allow_blank=True, default=""
    )
    countryCode = StrictCharField(
        source="country_code", min_length=2, max_length=2, required=False, default="FI"
    )


class BaseInvoiceInput(serializers.Serializer):
    responsibleAgentId = StrictUUIDField(source="responsible_agent_id", required=False)
    agencyOfficeId = StrictUUIDField(source="agency_office_id")
    currencyCode = StrictChoiceField(
        source="currency_code",
        choices=[(c, c) for c in settings.CURRENCIES],
        required=False,
        default="EUR",
    )
    invoicingDate = StrictDateField(source="invoicing_date", required=False)
    issueDate = StrictDateField(source="issue_date", required=False)
    dueDate = StrictDateField(source="due_date", required=False)
    discount = DiscountInput(required=False, allow_null=True)
    costs = CostInput(many=True, required=False, max_length=settings.INVOICING_MAX_LINES)
    invoicedParties = InvoicedPartiesInput(source="invoiced_parties", required=False)
    sourceSystemCode = StrictCharField(
        source="source_system_code", max_length=50, required=False, allow_blank=True
    )
    sourceSystemCreationTime = StrictDateTimeField(
        source="source_system_creation_time", required=False
    )
    paymentAccounts = PaymentAccountSerializer(
        source="payment_accounts", many=True, required=False, max_length=5
    )
    terms = TermsInput(required=False)
    downPayment = MinorUnitsField(source="down_payment", min_value=0, required=False, default=0)
    deduction = MinorUnitsField(min_value=0, required=False, default=0)
    commissionId = StrictUUIDField(source="commission_id", required=False, allow_null=True)
    billingAddress = BillingAddressInput(source="billing_address", required=False)


class InvoiceCreateInput(serializers.Serializer):
    invoicingReasonCode = StrictChoiceField(
        source="invoicing_reason_code", choices=InvoicingReason.choices
    )
    assignmentId = StrictUUIDField(source="assignment_id", required=False, allow_null=True)
    tradeSettlementId = StrictUUIDField(
        source="trade_settlement_id", required=False, allow_null=True
    )
    rentalSettlementId = StrictUUIDField(
        source="rental_settlement_id", required=False, allow_null=True
    )
    realtyId = StrictUUIDField(source="realty_id", required=False, allow_null=True)
    invoice = BaseInvoiceInput()


class InvoiceUpdateInput(InvoiceCreateInput):
    invoiceTypeCode = StrictChoiceField(source="invoice_type_code", choices=InvoiceType.choices)
    invoicingReasonCode = StrictChoiceField(
        source="invoicing_reason_code", choices=InvoicingReason.choices, required=False
    )


ENTITY_IDS = ("assignment_id", "trade_settlement_id", "rental_settlement_id", "realty_id")


def invoice_data(validated: dict, *, current=None) -> InvoiceData:
    """Validated input -> the service's ``InvoiceData``. On PUT without a reason code, the
    invoice keeps its reason and entity ids."""
    body = validated["invoice"]
    if "invoicing_reason_code" in validated or current is None:
        reason = validated["invoicing_reason_code"]
        ids = {name: validated.get(name) for name in ENTITY_IDS}
    else:
        reason = current.invoicing_reason_code
        ids = {name: getattr(current, name) for name in ENTITY_IDS}
    terms = body.get("terms", {})
    payment_terms = terms.get("payment_terms", {})
    invoicing = terms.get("invoicing")
    e_invoicing = (invoicing or {}).get("e_invoicing", {})
    parties = body.get("invoiced_parties")
    billing = body.get("billing_address")
    discount = body.get("discount")
    accounts = body.get("payment_accounts")
    return InvoiceData(
        agency_office_id=body["agency_office_id"],
        invoicing_reason_code=reason,
        responsible_agent_id=body.get("responsible_agent_id"),
        currency_code=body["currency_code"],
        commission_id=body.get("commission_id"),
        invoicing_date=body.get("invoicing_date"),
        issue_date=body.get("issue_date"),
        due_date=body.get("due_date"),
        discount=DiscountData(**discount) if discount else None,
        costs=[CostData(**cost) for cost in body.get("costs", [])],
        party_ids=[p["party_id"] for p in parties["parties"]] if parties else [],
        primary_party_id=parties.get("primary_id") if parties else None,
        source_system_code=body.get("source_system_code", ""),
        source_system_creation_time=body.get("source_system_creation_time"),
        payment_accounts=[PaymentAccountData(**a) for a in accounts]
        if accounts is not None
        else None,
        payment_terms_code=payment_terms.get("payment_terms_code"),
        other_payment_terms_description=payment_terms.get("other_payment_terms_description", ""),
        late_payment_fee_percentage=terms.get("late_payment_fee_percentage"),
        notice_period=terms.get("notice_period"),
        invoicing_method_code=invoicing["invoicing_method_code"] if invoicing else None,
        e_invoicing_address=e_invoicing.get("e_invoicing_address", ""),
        e_invoicing_operator_id=e_invoicing.get("e_invoicing_operator_id", ""),
        e_invoicing_operator_name=e_invoicing.get("e_invoicing_operator_name", ""),
        down_payment=body["down_payment"],
        deduction=body["deduction"],
        billing_recipient=billing["recipient"] if billing else None,
        billing_street_address=billing["street_address"] if billing else "",
        billing_postcode=billing["postcode"] if billing else "",
        billing_postal_area=billing["postal_area"] if billing else "",
        billing_country_code=billing["country_code"] if billing else "",
        **ids,
    )


# --- output ------------------------------------------------------------------------------------


class DiscountOutput(serializers.Serializer):
    amount = MinorUnitsOut(source="discount_amount")
    includesVat = serializers.BooleanField(source="discount_includes_vat")
    vatPercentage = PercentageField(source="discount_vat_percentage")
    description = serializers.CharField(source="discount_description")


class CostOutput(serializers.Serializer):
    amount = serializers.SerializerMethodField()
    costTypeCode = serializers.CharField(source="cost_type_code")
    description = serializers.CharField()
    vatPercentage = PercentageField(source="vat_percentage")
    includesVat = serializers.BooleanField(source="includes_vat")
    includedInCommission = serializers.BooleanField(source="included_in_commission")
    reverseCharge = serializers.BooleanField(source="reverse_charge")

    def get_amount(self, line) -> int:
        """The amount as given: VAT-included for includesVat lines, else VAT-excluded."""
        money = line.vat_included if line.includes_vat else line.vat_excluded
        return MinorUnitsOut().to_representation(money)


class InvoicedPartiesOutput(serializers.Serializer):
    primaryId = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()

    def get_primaryId(self, invoice) -> str | None:
        primary = next((p for p in invoice.invoiced_parties.all() if p.is_primary), None)
        return str(primary.party_id) if primary else None

    def get_parties(self, invoice) -> list[dict[str, str]]:
        return [{"partyId": str(p.party_id)} for p in invoice.invoiced_parties.all()]


class TotalInvoicedAmountOutput(serializers.Serializer):
    vatIncluded = MinorUnitsOut(source="total_vat_included")
    vatExcluded = MinorUnitsOut(source="total_vat_excluded")


class VatBreakdownOutput(serializers.Serializer):
    vatPercentage = PercentageField(source="vat_percentage")
    reverseCharge = serializers.BooleanField(source="reverse_charge")
    vatExcluded = serializers.IntegerField(source="vat_excluded")
    vat = serializers.IntegerField()


class TotalsOutput(serializers.Serializer):
    vatExcluded = serializers.IntegerField(source="vat_excluded")
    vat = serializers.IntegerField()
    vatIncluded = serializers.IntegerField(source="vat_included")
    vatBreakdown = VatBreakdownOutput(source="vat_breakdown", many=True)
    downPayment = serializers.IntegerField(source="down_payment")
    deduction = serializers.IntegerField()
    amountDue = serializers.IntegerField(source="amount_due")


class AmountPairOutput(serializers.Serializer):
    vatExcluded = serializers.IntegerField(source="vat_excluded")
    vatIncluded = serializers.IntegerField(source="vat_included")


class CommissionSummaryOutput(serializers.Serializer):
    commissionBase = AmountPairOutput(source="commission_base")
    royaltyBase = AmountPairOutput(source="royalty_base")
    nonCommissionCosts = AmountPairOutput(source="non_commission_costs")
    nonCommissionCostsIncludedInCommission = serializers.BooleanField(
        source="non_commission_costs_included_in_commission"
    )
    nonCommissionCostsSubjectToRoyalty = serializers.BooleanField(
        source="non_commission_costs_subject_to_royalty"
    )


class CreditNoteOutput(serializers.Serializer):
    creditNoteReason = serializers.CharField(source="credit_note_reason")
    creditedInvoiceId = serializers.UUIDField(source="credited_invoice_id")


class PaymentTermsOutput(serializers.Serializer):
    paymentTermsCode = serializers.CharField(source="payment_terms_code")
    otherPaymentTermsDescription = serializers.CharField(source="other_payment_terms_description")


class InvoicingOutput(OmitNullMixin, serializers.Serializer):
    omit_if_null = ("eInvoicing",)
    invoicingMethodCode = serializers.SerializerMethodField()
    eInvoicing = serializers.SerializerMethodField()

    def get_invoicingMethodCode(self, invoice) -> str | None:
        return invoice.invoicing_method_code or None

    def get_eInvoicing(self, invoice) -> dict | None:
        if invoice.invoicing_method_code != InvoicingMethod.EINVOICING:
            return None
        return EInvoicingSerializer(invoice).data


class TermsOutput(serializers.Serializer):
    paymentTerms = PaymentTermsOutput(source="*")
    latePaymentFeePercentage = PercentageField(source="late_payment_fee_percentage")
    noticePeriod = serializers.IntegerField(source="notice_period")
    invoicing = InvoicingOutput(source="*")


class BillingAddressOutput(serializers.Serializer):
    recipient = serializers.CharField(source="billing_recipient")
    streetAddress = serializers.CharField(source="billing_street_address")
    postcode = serializers.CharField(source="billing_postcode")
    postalArea = serializers.CharField(source="billing_postal_area")
    countryCode = serializers.CharField(source="billing_country_code")


class InvoiceDetailsBlock(OmitNullMixin, serializers.Serializer):
    """The nested ``invoice`` object of GET /invoices/{id}."""

    omit_if_null = ("discount", "commissionId", "referenceNumberRf")
    agencyOfficeId = serializers.UUIDField(source="agency_office_id")
    responsibleAgentId = serializers.UUIDField(source="responsible_agent_id")
    currencyCode = serializers.CharField(source="currency_code")
    invoicingDate = serializers.DateField(source="invoicing_date")
    issueDate = serializers.DateField(source="issue_date")
    dueDate = serializers.DateField(source="due_date")
    invoiceNumber = serializers.CharField(source="invoice_number")
    referenceNumber = serializers.CharField(source="reference_number")
    referenceNumberRf = serializers.SerializerMethodField()
    discount = serializers.SerializerMethodField()
    costs = CostOutput(source="lines", many=True)
    invoicedParties = InvoicedPartiesOutput(source="*")
    sourceSystemCode = serializers.CharField(source="source_system_code")
    sourceSystemCreationTime = UtcDateTimeField(source="source_system_creation_time")
    paymentAccounts = PaymentAccountSerializer(source="payment_accounts", many=True)
    terms = TermsOutput(source="*")
    downPayment = MinorUnitsOut(source="down_payment")
    deduction = MinorUnitsOut()
    commissionId = serializers.UUIDField(source="commission_id")
    billingAddress = BillingAddressOutput(source="*")

    def get_referenceNumberRf(self, invoice) -> str | None:
        """The ISO 11649 (RF) form of a national reference number."""
        ref = invoice.reference_number
        return rf_reference(ref) if ref and is_valid_finnish_reference(ref) else None

    def get_discount(self, invoice) -> dict | None:
        return DiscountOutput(invoice).data if invoice.discount_amount is not None else None


ENTITY_ID_FIELDS = ("assignmentId", "tradeSettlementId", "rentalSettlementId", "realtyId")


class InvoiceDetailOutput(OmitNullMixin, serializers.Serializer):
    omit_if_null = (
        *ENTITY_ID_FIELDS,
        "invoiceDocumentId",
        "previewInvoiceDocumentId",
        "creditNote",
    )
    invoiceId = serializers.UUIDField(source="id")
    statusCode = serializers.CharField(source="status_code")
    invoiceTypeCode = serializers.CharField(source="invoice_type_code")
    invoicingReasonCode = serializers.CharField(source="invoicing_reason_code")
    assignmentId = serializers.UUIDField(source="assignment_id")
    tradeSettlementId = serializers.UUIDField(source="trade_settlement_id")
    rentalSettlementId = serializers.UUIDField(source="rental_settlement_id")
    realtyId = serializers.UUIDField(source="realty_id")
    invoiceDocumentId = serializers.UUIDField(source="invoice_document_id")
    previewInvoiceDocumentId = serializers.UUIDField(source="preview_invoice_document_id")
    creditNote = serializers.SerializerMethodField()
    creationTime = UtcDateTimeField(source="created_at")
    modificationTime = UtcDateTimeField(source="modified_at")
    invoice = InvoiceDetailsBlock(source="*")
    isPaid = serializers.BooleanField(source="is_paid")
    paidDate = serializers.DateField(source="paid_date")
    approvedDate = serializers.DateField(source="approved_date")
    direction = serializers.CharField()
    totalInvoicedAmount = TotalInvoicedAmountOutput(source="*")
    totals = serializers.SerializerMethodField()
    commissionSummary = serializers.SerializerMethodField()

    def get_creditNote(self, invoice) -> dict | None:
        return CreditNoteOutput(invoice).data if invoice.credited_invoice_id else None

    def get_totals(self, invoice) -> dict:
        return TotalsOutput(invoice_totals(invoice)).data

    def get_commissionSummary(self, invoice) -> dict:
        return CommissionSummaryOutput(commission_summary(invoice)).data


class InvoiceSearchItemOutput(OmitNullMixin, serializers.Serializer):
    """A flat search result, as in the seed's search example."""

    omit_if_null = (*ENTITY_ID_FIELDS, "invoiceDocumentId")
    invoiceId = serializers.UUIDField(source="id")
    responsibleAgentId = serializers.UUIDField(source="responsible_agent_id")
    agencyOfficeId = serializers.UUIDField(source="agency_office_id")
    assignmentId = serializers.UUIDField(source="assignment_id")
    tradeSettlementId = serializers.UUIDField(source="trade_settlement_id")
    rentalSettlementId = serializers.UUIDField(source="rental_settlement_id")
    realtyId = serializers.UUIDField(source="realty_id")
    invoiceTypeCode = serializers.CharField(source="invoice_type_code")
    invoicingReasonCode = serializers.CharField(source="invoicing_reason_code")
    invoiceNumber = serializers.CharField(source="invoice_number")
    referenceNumber = serializers.CharField(source="reference_number")
    statusCode = serializers.CharField(source="status_code")
    isPaid = serializers.BooleanField(source="is_paid")
    direction = serializers.CharField()
    currencyCode = serializers.CharField(source="currency_code")
    issueDate = serializers.DateField(source="issue_date")
    dueDate = serializers.DateField(source="due_date")
    invoicingDate = serializers.DateField(source="invoicing_date")
    invoicedParties = InvoicedPartiesOutput(source="*")
    sourceSystemCode = serializers.CharField(source="source_system_code")
    sourceSystemCreationTime = UtcDateTimeField(source="source_system_creation_time")
    paymentAccounts = PaymentAccountSerializer(source="payment_accounts", many=True)
    costs = CostOutput(source="lines", many=True)
    billingAddress = BillingAddressOutput(source="*")
    invoiceDocumentId = serializers.UUIDField(source="invoice_document_id")
    totalInvoicedAmount = TotalInvoicedAmountOutput(source="*")
    creationTime = UtcDateTimeField(source="created_at")
    modificationTime = UtcDateTimeField(source="modified_at")


class InvoiceSearchOutput(serializers.Serializer):
    totalCount = serializers.IntegerField()
    invoices = InvoiceSearchItemOutput(many=True)


class InvoiceIdOutput(serializers.Serializer):
    invoiceId = serializers.UUIDField()


# --- lifecycle ---------------------------------------------------------------------------------


class ActionInput(serializers.Serializer):
    actionTypeCode = StrictChoiceField(
        source="action_type_code", choices=[(a, a) for a in REQUESTABLE_ACTIONS]
    )
    paidDate = StrictDateField(source="paid_date", required=False)


class CreditNoteInput(serializers.Serializer):
    invoicingDate = StrictDateField(source="invoicing_date")
    issueDate = StrictDateField(source="issue_date")
    dueDate = StrictDateField(source="due_date")
    creditNoteReason = StrictCharField(source="reason", min_length=1, max_length=200)
    paymentTerms = StrictCharField(
        source="payment_terms_description", max_length=500, required=False, allow_blank=True
    )
    invoicing = InvoicingInput()


class FinalStatusBlockInput(serializers.Serializer):
    invoiceDocumentId = StrictUUIDField(source="invoice_document_id", required=False)
    statusCode = StrictChoiceField(
        source="status_code",
        choices=[(s, s) for s in (InvoiceStatus.APPROVED, InvoiceStatus.CREDITED)],
    )
    invoiceNumber = StrictCharField(source="invoice_number", min_length=1, max_length=100)
    referenceNumber = StrictCharField(source="reference_number", min_length=4, max_length=35)
    isPaid = StrictBooleanField(source="is_paid", required=False, default=False)
    paidDate = StrictDateField(source="paid_date", required=False, allow_null=True)
    approvedDate = StrictDateField(source="approved_date", required=False, allow_null=True)
    issueDate = StrictDateField(source="issue_date", required=False, allow_null=True)


class FinalStatusInput(serializers.Serializer):
    invoiceTypeCode = StrictChoiceField(source="invoice_type_code", choices=InvoiceType.choices)
    invoice = FinalStatusBlockInput()


class HistoryEventOutput(serializers.Serializer):
    actionTypeCode = serializers.CharField(source="action_type_code")
    fromStatusCode = serializers.CharField(source="from_status_code", allow_null=True)
    toStatusCode = serializers.CharField(source="to_status_code")
    agentId = serializers.UUIDField(source="agent_id", allow_null=True)
    time = UtcDateTimeField()
    requestId = serializers.CharField(source="request_id", allow_null=True)
    details = serializers.DictField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["fromStatusCode"] = data["fromStatusCode"] or None
        data["requestId"] = data["requestId"] or None
        return data


class HistoryOutput(serializers.Serializer):
    events = HistoryEventOutput(many=True)


class NumberingOutput(serializers.Serializer):
    agencyOfficeId = serializers.UUIDField(source="agency_office_id")
    officeIdentifier = serializers.CharField(source="office_identifier")
    nextSequenceNumberToBeIssued = serializers.IntegerField(source="next_sequence_number")


class NumberingResetInput(serializers.Serializer):
    agencyOfficeId = StrictUUIDField(source="agency_office_id", required=False)
    nextSequenceNumberToBeIssued = StrictIntegerField(
        source="next_sequence_number", min_value=1, max_value=99999, required=False, default=1
    )
