"""Fixed-window rate limits (per minute) in Django's cache, per client IP and per API key.

The default cache is process-local (LocMem), so with several web processes each counts on its own; a shared
cache (Redis, `CACHES` setting) makes the limit global. A fixed window is enough here: the goal is to stop a
runaway client, not to shape traffic exactly.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

DEFAULT_PER_IP = 300
WINDOW = 60
_clock = time.time  # tests pin it: a window edge between two requests would reset the count


def per_ip_limit() -> int:
    return int(getattr(settings, "OPEN311_RATE_LIMIT_PER_IP", DEFAULT_PER_IP))


def client_ip(request: HttpRequest) -> str:
    # X-Forwarded-For is written by whoever sends the request, so it is trusted only when the deployment says a
    # proxy of its own sets it (OPEN311_TRUST_X_FORWARDED_FOR).
    if getattr(settings, "OPEN311_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        if forwarded:
            return forwarded[:64]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(bucket: str, limit: int, now: float | None = None) -> int | None:
    """Counts one request for `bucket`; returns the seconds to wait (Retry-After) once over `limit`."""
    now = _clock() if now is None else now
    window = int(now // WINDOW)
    key = f"open311:rl:{bucket}:{window}"
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW * 2)
        count = 1
    if count > limit:
        return max(1, math.ceil((window + 1) * WINDOW - now))
    return None
