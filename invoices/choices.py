"""Enumerations of the invoices app (the primary seed's codes)."""

from django.db import models


class InvoiceStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    READY_FOR_APPROVAL = "READY_FOR_APPROVAL", "Ready for approval"
    APPROVED = "APPROVED", "Approved"
    REJECTED = "REJECTED", "Rejected"
    CREDITED = "CREDITED", "Credited"


class InvoiceType(models.TextChoices):
    INVOICE = "INVOICE", "Invoice"
    CREDIT_NOTE = "CREDIT_NOTE", "Credit note"


class InvoicingReason(models.TextChoices):
    ASSIGNMENT = "ASSIGNMENT", "Assignment"
    CLEARING_SALE = "CLEARING_SALE", "Clearing (sale)"
    CLEARING_RENTAL = "CLEARING_RENTAL", "Clearing (rental)"
    OFFER_DOWN_PAYMENT = "OFFER_DOWN_PAYMENT", "Offer down payment"
    ASSIGNMENT_INITIAL_FEE = "ASSIGNMENT_INITIAL_FEE", "Assignment initial fee"
    REALTY = "REALTY", "Realty"
    DOCUMENT_MANAGEMENT = "DOCUMENT_MANAGEMENT", "Document management"
    OTHER = "OTHER", "Other"


# Which entity id each invoicing reason needs (DESIGN.md: the seed's table marks assignmentId
# required, its own example omits it; this is the rule).
REASON_REQUIRED_ID: dict[str, str | None] = {
    InvoicingReason.ASSIGNMENT: "assignmentId",
    InvoicingReason.ASSIGNMENT_INITIAL_FEE: "assignmentId",
    InvoicingReason.CLEARING_SALE: "tradeSettlementId",
    InvoicingReason.CLEARING_RENTAL: "rentalSettlementId",
    InvoicingReason.REALTY: "realtyId",
    InvoicingReason.OFFER_DOWN_PAYMENT: None,
    InvoicingReason.DOCUMENT_MANAGEMENT: None,
    InvoicingReason.OTHER: None,
}

# The API name of each entity id -> the model field.
REASON_ID_FIELD: dict[str, str] = {
    "assignmentId": "assignment_id",
    "tradeSettlementId": "trade_settlement_id",
    "rentalSettlementId": "rental_settlement_id",
    "realtyId": "realty_id",
}


class CostType(models.TextChoices):
    COMMISSION = "COMMISSION", "Commission"
    DOCUMENT_MANAGEMENT = "DOCUMENT_MANAGEMENT", "Document management"
    MARKETING = "MARKETING", "Marketing"
    VALUATION = "VALUATION", "Valuation"
    INSPECTION = "INSPECTION", "Inspection"
    TRAVEL = "TRAVEL", "Travel"
    MATERIALS = "MATERIALS", "Materials"
    LABOUR = "LABOUR", "Labour"
    GOODS = "GOODS", "Goods"
    OTHER = "OTHER", "Other"


class Direction(models.TextChoices):
    SALES = "SALES", "Sales (issued)"
    PURCHASE = "PURCHASE", "Purchase (received)"


class InvoicingMethod(models.TextChoices):
    EINVOICING = "EINVOICING", "E-invoice"
    EMAIL = "EMAIL", "E-mail"
    PAPER = "PAPER", "Paper"
    EXTERNAL = "EXTERNAL", "Delivered by the calling system"


class ActionType(models.TextChoices):
    """Actions of the seed's actions endpoint, plus the events only the system records."""

    LOCK = "LOCK", "Lock"
    UNLOCK = "UNLOCK", "Unlock"
    APPROVE = "APPROVE", "Approve"
    REJECT = "REJECT", "Reject"
    MARK_AS_PAID = "MARK_AS_PAID", "Mark as paid"
    MARK_AS_UNPAID = "MARK_AS_UNPAID", "Mark as unpaid"
    # Recorded by the system, not requested through the actions endpoint:
    CREATE = "CREATE", "Create"
    CREDIT = "CREDIT", "Credited by a credit note"
    FINAL_STATUS_OVERRIDE = "FINAL_STATUS_OVERRIDE", "Final status override (migration)"


REQUESTABLE_ACTIONS = (
    ActionType.LOCK,
    ActionType.UNLOCK,
    ActionType.APPROVE,
    ActionType.REJECT,
    ActionType.MARK_AS_PAID,
    ActionType.MARK_AS_UNPAID,
)


class DocumentKind(models.TextChoices):
    PREVIEW = "PREVIEW", "Preview"
    FINAL = "FINAL", "Final"


class DocumentStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    READY = "READY", "Ready"
    FAILED = "FAILED", "Failed"
