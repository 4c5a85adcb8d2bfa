from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from kotacerdas.core import health


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers; the body says whether the worker and the broker are reachable too."""
    db = health.database()
    broker, worker = health.broker_and_worker()
    body = {"status": "ok" if db["ok"] else "error", "database": db, "broker": broker, "worker": worker}
    return JsonResponse(body, status=200 if db["ok"] else 503)
