"""Bearer tokens for the API: opaque random keys, stored as SHA-256, expiring."""

import secrets

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import Agent, ApiToken
from .selectors import remember_roles, roles_annotation


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
        token = (
            ApiToken.objects.select_related("agent")
            .annotate(role_pairs=roles_annotation())
            .filter(key_hash=ApiToken.hash_key(parts[1]))
            .first()
        )
        if token is None or not token.agent.is_active:
            raise exceptions.AuthenticationFailed("Invalid access token.", code="unauthorized")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(
                "The access token has expired.", code="token_expired"
            )
        remember_roles(token.agent, token.role_pairs)  # no second query for the roles
        return token.agent, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
