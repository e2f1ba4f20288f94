"""Enumerations of the offices app."""

from django.db import models


class Role(models.TextChoices):
    CLERK = "CLERK", "Clerk"
    APPROVER = "APPROVER", "Approver"
    ADMIN = "ADMIN", "Office admin"
    MIGRATION = "MIGRATION", "Migration"


class Permission(models.TextChoices):
    """What a role lets its holder do in one office (see ``ROLE_PERMISSIONS``)."""

    VIEW = "VIEW"
    DRAFT = "DRAFT"  # create, edit, delete drafts; lock, unlock; draft credit notes
    APPROVE = "APPROVE"  # approve, reject, mark paid / unpaid
    MANAGE_OFFICE = "MANAGE_OFFICE"  # office details, invoice settings, numbering
    MIGRATE = "MIGRATE"  # final status override


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CLERK: frozenset({Permission.VIEW, Permission.DRAFT}),
    Role.APPROVER: frozenset({Permission.VIEW, Permission.DRAFT, Permission.APPROVE}),
    Role.ADMIN: frozenset(
        {Permission.VIEW, Permission.DRAFT, Permission.APPROVE, Permission.MANAGE_OFFICE}
    ),
    Role.MIGRATION: frozenset({Permission.VIEW, Permission.DRAFT, Permission.MIGRATE}),
}


class PaymentTermsCode(models.TextChoices):
    IMMEDIATE = "IMMEDIATE", "Due immediately"
    NET_7 = "NET_7", "7 days net"
    NET_14 = "NET_14", "14 days net"
    NET_21 = "NET_21", "21 days net"
    NET_30 = "NET_30", "30 days net"
    NET_45 = "NET_45", "45 days net"
    NET_60 = "NET_60", "60 days net"
    OTHER = "OTHER", "Other (see description)"


def payment_terms_days(code: str, *, default: int = 14) -> int:
    """Days from issue date to due date for a payment terms code (``OTHER`` uses *default*)."""
    if code == PaymentTermsCode.IMMEDIATE:
        return 0
    if code.startswith("NET_"):
        return int(code.removeprefix("NET_"))
    return default
