"""What the compatibility APIs need beyond the core models: foreign ids, office URL keys, and
the Accounteer configuration (tax rates, invoice templates, GL accounts) and ledger.

There is no second invoice model: every compat invoice is an ``invoices.Invoice`` with its
lines, created by ``invoices.services``. ``ExternalId`` only remembers which foreign id (a
Merchant integer id, a Refrens invoice number, an Okappy customer id ...) names which of our
rows, plus the few foreign fields the core has no column for (``data``).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from invoices.models import Invoice
from offices.models import AgencyOffice

from .choices import GlAccountKind, IdKind, System


class ExternalId(models.Model):
    """A foreign system's id for one of our parties or invoices, unique within one office.

    ``object_id`` is the party's or invoice's UUID (by ``kind``). The Merchant API's integer
    invoice id is this row's own primary key (so it is unique across offices); a Refrens
    invoice number is the ``external_id`` of its invoice's row (so it is unique per office).
    """

    system = models.CharField(max_length=20, choices=System.choices)
    kind = models.CharField(max_length=20, choices=IdKind.choices)
    office = models.ForeignKey(AgencyOffice, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=100)
    object_id = models.UUIDField(db_index=True, help_text="Our party's or invoice's id.")
    data = models.JSONField(
        default=dict, blank=True, help_text="Foreign fields the core models have no column for."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "external id"
        ordering = ["system", "kind", "office", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "kind", "office", "external_id"],
                name="compat_external_id_unique_per_office",
            ),
        ]
        indexes = [
            models.Index(fields=["system", "kind", "object_id"], name="compat_external_object"),
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.kind} {self.external_id}"


class OfficeUrlKey(models.Model):
    """The key in a foreign system's URLs that names one of our offices (Refrens ``urlKey``)."""

    system = models.CharField(max_length=20, choices=System.choices)
    url_key = models.SlugField(max_length=100)
    office = models.ForeignKey(AgencyOffice, on_delete=models.CASCADE, related_name="+")
    gst_state = models.CharField(
        max_length=10,
        blank=True,
        help_text="The business's own GST state code, used when a request has no billedBy.",
    )

    class Meta:
        verbose_name = "office URL key"
        ordering = ["system", "url_key"]
        constraints = [
            models.UniqueConstraint(fields=["system", "url_key"], name="compat_url_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.url_key}"


class TaxRate(models.Model):
    """A tax rate that Accounteer requests name by ``tax_id``."""

    tax_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    percentage = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InvoiceTemplate(models.Model):
    """An Accounteer invoice template; its ``days_due`` gives ``date_due`` when not sent."""

    template_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    days_due = models.PositiveSmallIntegerField(default=14)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="compat_one_default_template",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.days_due} days)"


class GlAccount(models.Model):
    """An account of the chart of GL accounts (Accounteer ``gl_account_id``)."""

    account_id = models.CharField(max_length=64, unique=True)
    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    kind = models.CharField(
        max_length=20, choices=GlAccountKind.choices, default=GlAccountKind.REVENUE
    )

    class Meta:
        verbose_name = "GL account"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class JournalEntry(models.Model):
    """The double entry of one approved invoice: debits equal credits (see ``compat.ledger``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    office = models.ForeignKey(AgencyOffice, on_delete=models.PROTECT, related_name="+")
    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="journal_entry")
    entry_date = models.DateField()
    description = models.CharField(max_length=200)
    currency_code = models.CharField(max_length=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "journal entry"
        verbose_name_plural = "journal entries"
        ordering = ["-entry_date", "-created_at", "id"]

    def __str__(self) -> str:
        return self.description


class JournalLine(models.Model):
    """One debit or one credit, in the currency's major unit (exact, whole minor units)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    account = models.ForeignKey(GlAccount, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200, blank=True)
    debit = models.DecimalField(max_digits=19, decimal_places=3, default=Decimal(0))
    credit = models.DecimalField(max_digits=19, decimal_places=3, default=Decimal(0))

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(debit__gte=0, credit__gte=0)
                & (models.Q(debit=0) | models.Q(credit=0)),
                name="compat_journal_line_one_side",
            ),
        ]

    def __str__(self) -> str:
        side = f"Dr {self.debit}" if self.debit else f"Cr {self.credit}"
        return f"{self.account.code} {side}"
