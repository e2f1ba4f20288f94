"""Rate limits: per agent on the whole API, and per IP and per username on the token call
(against password guessing). Counted in the default cache: Redis when REDIS_URL is set.

Every limit is a fixed-window counter: a request increments the counter of the current
window (``rate``'s period, aligned to the clock) and is refused once it exceeds the number
allowed. On Redis that is one round trip (``INCR`` and ``EXPIRE NX`` pipelined) per limit
and request; DRF's own throttle reads and rewrites a list of timestamps (two round trips and
a payload growing with the rate). The price of the fixed window: a client can spend one
window's allowance at its end and the next one's at the start of the next window.
"""

import functools
import hashlib
import math

import redis
from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle


@functools.cache
def _redis_client(location: str) -> redis.Redis:
    return redis.Redis.from_url(location)  # a connection pool per process, made once


def _increment(key: str, timeout: int) -> int:
    """Add one to the counter *key* (created with *timeout* seconds to live); its new value."""
    config = settings.CACHES["default"]
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        full_key = cache.make_and_validate_key(key)
        pipeline = _redis_client(config["LOCATION"]).pipeline(transaction=False)
        pipeline.incr(full_key)
        pipeline.expire(full_key, timeout, nx=True)
        count, _ = pipeline.execute()
        return int(count)
    if cache.add(key, 1, timeout):  # any other cache: not atomic across processes
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout)
        return 1


class WindowCounterThrottle(SimpleRateThrottle):
    """DRF's rate syntax and cache keys, counted in fixed windows (see the module)."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        count = _increment(f"{key}_{window}", timeout=self.duration + 1)
        return count <= self.num_requests

    def wait(self):
        return max(1, math.ceil(self.window_end - self.now))


class AgentRateThrottle(WindowCounterThrottle):
    """``API_THROTTLE_RATE`` (default 600/min) per authenticated agent."""

    scope = "agent"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if request.user is None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class LoginIpRateThrottle(WindowCounterThrottle):
    """``LOGIN_THROTTLE_RATE_PER_IP`` (default 30/min) token attempts per client address."""

    scope = "login-ip"

    def get_rate(self):
        return settings.LOGIN_THROTTLE_RATE_PER_IP

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUsernameRateThrottle(WindowCounterThrottle):
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
