"""Rate limits: per agent on the whole API, and per IP and per username on the token call
(against password guessing). Counted in the default cache: Redis when REDIS_URL is set."""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class AgentRateThrottle(SimpleRateThrottle):
    """``API_THROTTLE_RATE`` (default 600/min) per authenticated agent."""

    scope = "agent"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if request.user is None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class LoginIpRateThrottle(SimpleRateThrottle):
    """``LOGIN_THROTTLE_RATE_PER_IP`` (default 30/min) token attempts per client address."""

    scope = "login-ip"

    def get_rate(self):
        return settings.LOGIN_THROTTLE_RATE_PER_IP

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUsernameRateThrottle(SimpleRateThrottle):
    """``LOGIN_THROTTLE_RATE_PER_USERNAME`` (default 10/min) token attempts per username,
    whatever the address (a distributed guess at one account)."""

    scope = "login-username"

    def get_rate(self):
        return settings.LOGIN_THROTTLE_RATE_PER_USERNAME

    def get_cache_key(self, request, view):
        try:
            username = request.data.get("username")
        except Exception:  # noqa: BLE001 - a malformed body is the view's 400 to give
            return None
        if not isinstance(username, str) or not username:
            return None
        # Hashed: a username is arbitrary text, a cache key must be short and plain ASCII.
        ident = hashlib.sha256(username.strip().lower()[:150].encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
