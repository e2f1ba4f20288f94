"""Agency offices, the agents (users) who work in them, their roles, and API tokens."""

import hashlib
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from .choices import PaymentTermsCode, Role
from .validators import validate_bic, validate_business_id, validate_iban, validate_vat_number


class Agent(AbstractUser):
    """A user of the product. ``id`` is the ``agentId`` that ``responsibleAgentId`` takes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    language = models.CharField(
        max_length=2, choices=[("en", "English"), ("fi", "Suomi")], default="en"
    )

    class Meta:
        verbose_name = "agent"
        constraints = [
            models.UniqueConstraint(Lower("username"), name="agent_username_ci_unique"),
        ]


class PostalAddress(models.Model):
    street_address = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    postal_area = models.CharField(max_length=100, blank=True)
    country_code = models.CharField(max_length=2, default="FI")

    class Meta:
        abstract = True


class AgencyOffice(PostalAddress):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    office_identifier = models.CharField(
        max_length=10, unique=True, help_text="Digits used inside invoice numbers, e.g. 01."
    )
    business_id = models.CharField(max_length=9, validators=[validate_business_id])
    vat_number = models.CharField(max_length=20, blank=True, validators=[validate_vat_number])
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    default_payment_terms_code = models.CharField(
        max_length=20, choices=PaymentTermsCode.choices, default=PaymentTermsCode.NET_14
    )
    default_late_payment_fee_percentage = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    default_notice_period = models.PositiveSmallIntegerField(
        default=8, help_text="Days for complaints (huomautusaika)."
    )

    # Invoice settings of the seed: how non-commission costs are treated.
    non_commission_costs_included_in_commission = models.BooleanField(default=False)
    non_commission_costs_subject_to_royalty = models.BooleanField(default=False)
    non_commission_costs_separate_lines_to_pdf = models.BooleanField(default=True)

    # Numbering (assigned at the first LOCK; see invoices.numbering).
    next_sequence_number = models.PositiveIntegerField(default=1)

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(office_identifier__regex=r"^[0-9]{1,10}$"),
                name="office_identifier_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.office_identifier})"


class OfficePaymentAccount(models.Model):
    office = models.ForeignKey(
        AgencyOffice, on_delete=models.CASCADE, related_name="payment_accounts"
    )
    position = models.PositiveSmallIntegerField(default=0)
    bank_name = models.CharField(max_length=100, blank=True)
    iban = models.CharField(max_length=34, validators=[validate_iban])
    bic = models.CharField(max_length=11, blank=True, validators=[validate_bic])
    account_holder = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.iban


class OfficeMembership(models.Model):
    """One role of one agent in one office; an agent may hold several roles."""

    # Indexed by membership_unique, which leads with it.
    office = models.ForeignKey(
        AgencyOffice, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "agent", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.role} @ {self.office.name}"


class ApiToken(models.Model):
    """A Bearer token; only its SHA-256 is stored, the plain token is shown once."""

    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="api_tokens")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"token of {self.agent} until {self.expires_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class IdempotencyRecord(models.Model):
    """One ``Idempotency-Key`` of one agent: the request it came with and the stored answer.

    ``status_code`` is null while the first request is still being processed. Records expire
    after ``INVOICING_IDEMPOTENCY_TTL`` (24 h) and are deleted by a periodic task.
    """

    # Indexed by idempotency_key_per_agent, which leads with it.
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "key"], name="idempotency_key_per_agent"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or 'in progress'})"
