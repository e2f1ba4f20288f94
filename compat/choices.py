"""Enumerations of the compat app: the foreign systems and what their ids name."""

from django.db import models


class System(models.TextChoices):
    OKAPPY = "OKAPPY", "Okappy"
    MERCHANT = "MERCHANT", "Merchant (supplier invoices)"
    REFRENS = "REFRENS", "Refrens (GST invoicing)"
    ACCOUNTEER = "ACCOUNTEER", "Accounteer"


class IdKind(models.TextChoices):
    """What a foreign id names: one of our parties, or one of our invoices."""

    CUSTOMER = "CUSTOMER", "Customer (party)"
    SUPPLIER = "SUPPLIER", "Supplier (party)"
    INVOICE = "INVOICE", "Invoice"


class GlAccountKind(models.TextChoices):
    REVENUE = "REVENUE", "Revenue"
    RECEIVABLE = "RECEIVABLE", "Accounts receivable"
    VAT_PAYABLE = "VAT_PAYABLE", "VAT payable"
    OTHER = "OTHER", "Other"
