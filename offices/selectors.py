"""Reads for offices, always scoped to what the calling agent may see, and permission checks.

An agent sees the offices it holds a role in; a superuser sees and may do everything. The
roles are loaded once per agent object (one query) and cached on it.
"""

from uuid import UUID

from django.db.models import QuerySet

from invoicing_project.errors import Forbidden, NotFound

from .choices import ROLE_PERMISSIONS, Permission
from .models import AgencyOffice, Agent, OfficeMembership, OfficePaymentAccount

_CACHE_ATTR = "_office_roles_cache"


def office_roles(agent: Agent) -> dict[UUID, frozenset[str]]:
    """``{office_id: {role, ...}}`` for the agent's memberships."""
    cached = getattr(agent, _CACHE_ATTR, None)
    if cached is None:
        cached = _group_roles(
            OfficeMembership.objects.filter(agent=agent).values_list("office_id", "role")
        )
        setattr(agent, _CACHE_ATTR, cached)
    return cached


def _group_roles(pairs) -> dict[UUID, frozenset[str]]:
    roles: dict[UUID, set[str]] = {}
    for office_id, role in pairs:
        roles.setdefault(office_id, set()).add(role)
    return {office_id: frozenset(r) for office_id, r in roles.items()}


# The memberships as one text column ("office:role,office:role"), so that the query that
# authenticates an API request loads the agent's roles too.
ROLE_SEPARATOR, ROLE_PAIR_SEPARATOR = ":", ","


def remember_roles(agent: Agent, pairs: str | None) -> None:
    """Cache on *agent* the roles loaded with its token (``None``: no membership)."""
    parsed = []
    for pair in (pairs or "").split(ROLE_PAIR_SEPARATOR):
        if pair:
            office_id, _, role = pair.partition(ROLE_SEPARATOR)
            parsed.append((UUID(office_id), role))
    setattr(agent, _CACHE_ATTR, _group_roles(parsed))


def forget_office_roles(agent: Agent) -> None:
    if hasattr(agent, _CACHE_ATTR):
        delattr(agent, _CACHE_ATTR)


def permissions_in(agent: Agent, office_id: UUID) -> frozenset[str]:
    if agent.is_superuser:
        return frozenset(Permission.values)
    perms: set[str] = set()
    for role in office_roles(agent).get(office_id, ()):
        perms |= ROLE_PERMISSIONS[role]
    return frozenset(perms)


def has_permission(agent: Agent, office_id: UUID, permission: str) -> bool:
    return permission in permissions_in(agent, office_id)


def visible_office_ids(agent: Agent, permission: str = Permission.VIEW) -> list[UUID] | None:
    """Office ids where *agent* holds *permission*; ``None`` means every office (superuser)."""
    if agent.is_superuser:
        return None
    return [
        office_id
        for office_id, roles in office_roles(agent).items()
        if any(permission in ROLE_PERMISSIONS[role] for role in roles)
    ]


def scope_to_offices(queryset: QuerySet, agent: Agent, field: str = "agency_office_id") -> QuerySet:
    office_ids = visible_office_ids(agent)
    if office_ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": office_ids})


def require_permission(
    agent: Agent, office_id: UUID, permission: str, *, action: str, conceal: bool = True
) -> None:
    """403 when the agent lacks *permission* in the office.

    With *conceal* (the office came from the URL's resource) an office the agent cannot see at
    all answers 404, so that other offices' resources are indistinguishable from missing ones.
    Without it (the office came from the request body, as in a create) the answer is 403.
    """
    perms = permissions_in(agent, office_id)
    if conceal and Permission.VIEW not in perms:
        raise NotFound()
    if permission not in perms:
        raise Forbidden(f"Your roles in this agency office do not allow you to {action}.")


def office_with_accounts(
    office_id: UUID,
) -> tuple[AgencyOffice | None, list[OfficePaymentAccount]]:
    """The office and its payment accounts (in order), unscoped: one query when the office
    has accounts (the office comes joined to them), two when it has none."""
    accounts = list(
        OfficePaymentAccount.objects.select_related("office").filter(office_id=office_id)
    )
    if accounts:
        return accounts[0].office, accounts
    return AgencyOffice.objects.filter(pk=office_id).first(), []


def office_list(*, agent: Agent) -> QuerySet[AgencyOffice]:
    return scope_to_offices(
        AgencyOffice.objects.prefetch_related("payment_accounts"), agent, field="id"
    )


def office_get(*, agent: Agent, office_id: UUID) -> AgencyOffice:
    office = office_list(agent=agent).filter(id=office_id).first()
    if office is None:
        raise NotFound(f"Agency office {office_id} was not found.")
    return office
