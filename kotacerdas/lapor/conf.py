"""The connector's settings, read at call time so `override_settings` in tests and a changed env both apply.

settings.py (env-driven, off by default): LAPOR_ENABLED, LAPOR_BASE_URL, LAPOR_TOKEN, LAPOR_TIMEOUT. The
defaults here keep the app inert when a setting is missing.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def enabled() -> bool:
    return bool(getattr(settings, "LAPOR_ENABLED", False)) and bool(base_url())


def base_url() -> str:
    return (getattr(settings, "LAPOR_BASE_URL", "") or "").rstrip("/")


def token() -> str:
    return getattr(settings, "LAPOR_TOKEN", "") or ""


def timeout() -> float:
    return float(getattr(settings, "LAPOR_TIMEOUT", 10) or 10)


def max_attempts() -> int:
    return int(getattr(settings, "LAPOR_MAX_ATTEMPTS", 20) or 20)


def dead_after() -> timedelta:
    """A message still undelivered this long after it was written (or re-queued) goes to the dead-letter list."""
    return timedelta(hours=float(getattr(settings, "LAPOR_DEAD_AFTER_HOURS", 24) or 24))


# Backoff: 30 s doubling per attempt, capped at one hour, with jitter. 20 attempts take about 10-13 h, so a
# message dies after 20 failures or 24 h, whichever comes first (a long outage hits the count first).
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600


def site_root() -> str:
    return (getattr(settings, "SITE_ROOT", "") or "").rstrip("/")
