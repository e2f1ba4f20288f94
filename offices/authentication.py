"""Bearer tokens for the API: opaque random keys, stored as SHA-256, expiring."""

import secrets
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import Agent, ApiToken, OfficeMembership
from .selectors import ROLE_PAIR_SEPARATOR, ROLE_SEPARATOR, remember_roles


def token_issue(*, agent: Agent) -> tuple[str, ApiToken]:
    """A new token for *agent*; returns the plain key (shown once) and the stored row."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        key_hash=ApiToken.hash_key(key),
        agent=agent,
        expires_at=timezone.now() + settings.INVOICING_TOKEN_TTL,
    )
    return key, token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0].lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed(
                "Authorization header must be 'Bearer <token>'.", code="unauthorized"
            )
        key_hash = ApiToken.hash_key(parts[1])
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        agent = next(iter(Agent.objects.raw(_token_agent_sql(), [now, key_hash])), None)
        if agent is None or not agent.is_active:
            raise exceptions.AuthenticationFailed("Invalid access token.", code="unauthorized")
        if not agent.token_valid:
            raise exceptions.AuthenticationFailed(
                "The access token has expired.", code="token_expired"
            )
        remember_roles(agent, agent.role_pairs)  # no second query for the roles
        return agent, ApiToken(id=agent.token_id, key_hash=key_hash, agent=agent)

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


@cache
def _token_agent_sql() -> str:
    """One query for every token-authenticated request: the token's agent (every column), the
    token's id, whether it is unexpired (``%s`` = now), and the agent's roles as
    ``office:role,office:role`` for `remember_roles`.

    Written as SQL once per process rather than as a queryset: compiling the equivalent ORM
    query (select_related, a correlated StringAgg subquery) cost ~1 ms of CPU per request,
    more than running it (docs/performance.md).
    """
    quote = connection.ops.quote_name
    agent, token, membership = Agent._meta, ApiToken._meta, OfficeMembership._meta
    role = f"m.{quote(membership.get_field('role').column)}"
    office = f"m.{quote(membership.get_field('office').column)}"
    postgres = connection.vendor == "postgresql"
    pair = f"{office}{'::text' if postgres else ''} || '{ROLE_SEPARATOR}' || {role}"
    aggregate = "string_agg" if postgres else "group_concat"
    pairs = f"{aggregate}({pair}, '{ROLE_PAIR_SEPARATOR}')"
    columns = ", ".join(f"a.{quote(field.column)}" for field in agent.concrete_fields)
    token_agent = quote(token.get_field("agent").column)
    return (
        f"SELECT {columns}, t.{quote(token.pk.column)} AS token_id, "
        f"t.{quote(token.get_field('expires_at').column)} > %s AS token_valid, "
        f"(SELECT {pairs} FROM {quote(membership.db_table)} m "
        f"WHERE m.{quote(membership.get_field('agent').column)} = t.{token_agent}) AS role_pairs "
        f"FROM {quote(token.db_table)} t "
        f"JOIN {quote(agent.db_table)} a ON a.{quote(agent.pk.column)} = t.{token_agent} "
        f"WHERE t.{quote(token.get_field('key_hash').column)} = %s"
    )
