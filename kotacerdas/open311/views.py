"""Open311 GeoReport v2 endpoints (complaints-open311-lapor.md §2). Thin: parsing and shaping only.

Every endpoint answers in the format of its URL suffix, and every failure is a v2 error body in that format:
400 bad input (naming the field), 403 api_key, 404 unknown service/request/token/jurisdiction, 405 wrong
method, 429 rate limit (with Retry-After). Nothing a client sends is meant to reach a 500.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kotacerdas.complaints.models import Category
from kotacerdas.core.models import SiteSettings
from kotacerdas.open311 import intake, ratelimit, reads, render
from kotacerdas.open311.models import ApiKey, IdempotencyRecord, RequestToken, ServiceAttribute, TokenStatus
from kotacerdas.open311.params import (
    DEFAULT_PAGE_SIZE,
    MAX_IDS,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    Open311Error,
    bad,
    comma_list,
    get,
    not_found,
    params,
    parse_bool,
    parse_int,
    parse_when,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed in a way clients may notice (discovery `changeset`, sortable).
CHANGESET = "2026-11-23T00:00:00+07:00"
WINDOW = timedelta(days=90)  # v2: default and widest requested_datetime range
MAX_REQUESTS = 1000  # v2: at most 1,000 requests per answer without paging
IDEMPOTENCY_TTL = timedelta(hours=24)

View = Callable[..., HttpResponse]


def _site(request: HttpRequest) -> SiteSettings:
    return getattr(request, "site_settings", None) or SiteSettings.load()


def endpoint(*methods: str) -> Callable[[View], View]:
    """Method check, per-IP rate limit, jurisdiction check and v2 errors around a view."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def wrap(view: View) -> View:
        @csrf_exempt  # api_key in the body authenticates POSTs; there is no session to protect
        @wraps(view)
        def inner(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            try:
                wait = ratelimit.hit(f"ip:{ratelimit.client_ip(request)}", ratelimit.per_ip_limit())
                if wait:
                    raise Open311Error(429, [(429, _("Terlalu banyak permintaan; coba lagi dalam %(n)d detik.")
                                              % {"n": wait})], {"Retry-After": str(wait)})
                if request.method not in allowed:
                    raise Open311Error(405, [(405, _("Metode %(m)s tidak didukung di sini.")
                                              % {"m": request.method[:10]})],
                                       {"Allow": ", ".join(sorted(allowed))})
                site = _site(request)
                jurisdiction = get(params(request), "jurisdiction_id") or get(request.GET, "jurisdiction_id")
                if jurisdiction is not None and jurisdiction.lower() != site.jurisdiction_id.lower():
                    raise not_found(_("jurisdiction_id %(j)s tidak dilayani di sini.") % {"j": jurisdiction[:120]})
                return view(request, fmt, site, **kwargs)
            except Open311Error as exc:
                return render.errors(fmt, exc.status, exc.items, exc.headers)
            except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
                # Too many fields, too large a body, a broken multipart body: the client's fault, said as v2.
                return render.errors(fmt, 400, [(400, _("Permintaan tidak dapat dibaca."))])

        return inner

    return wrap


def _ctx(request: HttpRequest, site: SiteSettings, extensions: bool = False) -> reads.Context:
    return reads.Context(request=request, tz=site.timezone, extensions=extensions)


# --------------------------------------------------------------------------------------------------------
# Discovery and services


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str, site: SiteSettings) -> HttpResponse:
    contact = getattr(settings, "OPEN311_CONTACT", "") or f"{site.public_name} ({site.jurisdiction_id})"
    data = {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": _("Kunci API (api_key) untuk POST diterbitkan oleh superadmin %(name)s.")
        % {"name": site.public_name},
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": request.build_absolute_uri("/open311/v2"),
            "changeset": CHANGESET,
            "type": "production",
            "formats": [render.XML_TYPE.split(";")[0], render.JSON_TYPE.split(";")[0]],
        }],
    }
    return render.respond(fmt, "discovery", data)


@endpoint("GET")
def services(request: HttpRequest, fmt: str, site: SiteSettings) -> HttpResponse:
    categories = (Category.objects.filter(is_active=True).select_related("open311")
                  .annotate(o311_attributes=Count("open311_attributes")).order_by("group", "name", "code"))
    items = [{
        "service_code": c.code,
        "service_name": c.name,
        "description": c.description,
        "metadata": c.o311_attributes > 0,
        "type": intake.service_type(c),
        "keywords": c.keywords or None,
        "group": c.group or None,
    } for c in categories]
    return render.respond(fmt, "services", items)


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, site: SiteSettings, service_code: str) -> HttpResponse:
    category = intake.service(service_code)
    attributes = []
    for a in ServiceAttribute.objects.filter(category=category).order_by("order"):
        item: dict[str, Any] = {
            "variable": a.variable, "code": a.code, "datatype": a.datatype, "required": a.required,
            "datatype_description": a.datatype_description or None, "order": a.order,
            "description": a.description,
        }
        if a.datatype in ("singlevaluelist", "multivaluelist"):
            item["values"] = [{"key": str(v.get("key")), "name": str(v.get("name"))} for v in a.values]
        attributes.append(item)
    return render.respond(fmt, "service_definition", {"service_code": category.code, "attributes": attributes})


# --------------------------------------------------------------------------------------------------------
# Requests


@endpoint("GET", "POST")
def requests_(request: HttpRequest, fmt: str, site: SiteSettings) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt, site)
    return _list(request, fmt, site)


def _list(request: HttpRequest, fmt: str, site: SiteSettings) -> HttpResponse:
    g = request.GET
    extensions = parse_bool(get(g, "extensions"), "extensions")
    qs = reads.requests_queryset(extensions)
    ids = comma_list(get(g, "service_request_id"))
    if ids:  # v2: overrides every other filter
        if len(ids) > MAX_IDS:
            raise bad("service_request_id", _("maksimal %(n)d nomor") % {"n": MAX_IDS})
        qs = qs.filter(tracking_no__in=[i.upper() for i in ids])
    else:
        codes = comma_list(get(g, "service_code"))
        if codes:
            # Ids first: filtering through the join hides the (category, created_at) index from the planner.
            ids = list(Category.objects.filter(code__in=codes[:MAX_IDS]).values_list("pk", flat=True))
            qs = qs.filter(category_id__in=ids)
        wanted = {s.lower() for s in comma_list(get(g, "status"))}
        if wanted - {"open", "closed"}:
            raise bad("status", _("isi open, closed, atau keduanya dipisah koma"))
        if wanted:
            qs = qs.filter(status__in=reads.statuses_for(wanted))
        start = parse_when(get(g, "start_date"), "start_date", site.timezone)
        end = parse_when(get(g, "end_date"), "end_date", site.timezone, end_of_day=True)
        after = parse_when(get(g, "updated_after"), "updated_after", site.timezone)
        before = parse_when(get(g, "updated_before"), "updated_before", site.timezone, end_of_day=True)
        if start and end:
            if start > end:
                raise bad("start_date", _("harus sebelum end_date"))
            if end - start > WINDOW:
                raise bad("end_date", _("rentang start_date sampai end_date paling lama 90 hari"))
        elif start:
            end = start + WINDOW
        elif end:
            start = end - WINDOW
        elif after is None and before is None:
            end = timezone.now()
            start = end - WINDOW
        # With only updated_after/updated_before (the sync extension) no requested_datetime window applies:
        # a client catching up must see old requests that changed recently.
        if start:
            qs = qs.filter(created_at__gte=start)
        if end:
            qs = qs.filter(created_at__lte=end)
        if after:
            qs = qs.filter(updated_at__gt=after)
        if before:
            qs = qs.filter(updated_at__lt=before)
    qs = qs.order_by("-created_at", "-id")  # newest first (documented in README.md)
    if get(g, "page") is not None or get(g, "page_size") is not None:
        page = parse_int(get(g, "page"), "page", default=1, low=1, high=MAX_PAGE)
        size = parse_int(get(g, "page_size"), "page_size", default=DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
        qs = qs[(page - 1) * size: page * size]
    else:
        qs = qs[:MAX_REQUESTS]
    ctx = _ctx(request, site, extensions)
    rows = qs if extensions else reads.plain_rows(qs)
    return render.respond(fmt, "service_requests", [reads.request_fields(c, ctx) for c in rows])


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, site: SiteSettings, service_request_id: str) -> HttpResponse:
    extensions = parse_bool(get(request.GET, "extensions"), "extensions")
    complaint = reads.requests_queryset(extensions).filter(tracking_no=service_request_id.strip().upper()).first()
    if complaint is None:  # unknown, rahasia and archived look the same from outside
        raise not_found(_("service_request_id %(id)s tidak ditemukan.") % {"id": service_request_id[:40]})
    return render.respond(fmt, "service_requests", [reads.request_fields(complaint, _ctx(request, site, extensions))])


def _authenticate(request: HttpRequest, action: str) -> ApiKey:
    # v2 sends api_key as a form field; some clients (open311_python) put it in the query string of the POST.
    key = ApiKey.authenticate(get(request.POST, "api_key") or get(request.GET, "api_key"))
    if key is None:
        raise Open311Error(403, [(403, _("api_key tidak sah atau tidak ada -- %(a)s tidak dapat diproses.")
                                  % {"a": action})])
    wait = ratelimit.hit(f"key:{key.pk}", key.rate_limit_per_minute)
    if wait:
        raise Open311Error(429, [(429, _("Batas permintaan kunci API terlampaui; coba lagi dalam %(n)d detik.")
                                  % {"n": wait})], {"Retry-After": str(wait)})
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


def _idempotent(request: HttpRequest, fmt: str, key: ApiKey, produce: Callable[[], HttpResponse]) -> HttpResponse:
    """With an Idempotency-Key header, a successful answer is stored and replayed for the same key and body.

    Only 2xx answers are stored, so a client can correct a refused request and send it again with the same
    key. The same key with a different body (or format) is refused.
    """
    header = (request.headers.get("Idempotency-Key") or "").strip()
    if not header:
        return produce()
    if len(header) > 255:
        raise bad("Idempotency-Key", _("maksimal 255 karakter"))
    body = urlencode(sorted((k, v) for k, values in request.POST.lists() for v in values if k != "api_key"))
    digest = hashlib.sha256(f"{request.path}\n{body}".encode()).hexdigest()

    def replay(record: IdempotencyRecord) -> HttpResponse:
        if record.request_hash != digest:
            raise bad("Idempotency-Key", _("sudah dipakai untuk permintaan lain"))
        response = HttpResponse(record.body.encode("utf-8"), status=record.status_code,
                                content_type=record.content_type)
        response["Idempotent-Replayed"] = "true"
        return response

    IdempotencyRecord.objects.filter(api_key=key, key=header,
                                     created_at__lt=timezone.now() - IDEMPOTENCY_TTL).delete()
    record = IdempotencyRecord.objects.filter(api_key=key, key=header).first()
    if record is not None:
        return replay(record)
    try:
        with transaction.atomic():
            response = produce()
            if 200 <= response.status_code < 300:
                IdempotencyRecord.objects.create(api_key=key, key=header, request_hash=digest,
                                                 status_code=response.status_code,
                                                 content_type=response["Content-Type"],
                                                 body=response.content.decode("utf-8"))
    except IntegrityError:
        # A concurrent request with the same key committed first; this one is rolled back and replays it.
        record = IdempotencyRecord.objects.filter(api_key=key, key=header).first()
        if record is None:
            raise
        return replay(record)
    return response


def _create(request: HttpRequest, fmt: str, site: SiteSettings) -> HttpResponse:
    key = _authenticate(request, "create_request")
    p = request.POST

    def produce() -> HttpResponse:
        category = intake.service(get(p, "service_code"))
        submission = intake.check(p, category, site.timezone)
        account_id = submission.account_id or None
        if intake.service_type(category) == "batch":
            token = intake.queue(submission, key)
            item = {"token": token.token, "service_notice": _("Aduan diterima dan sedang diproses; nomor aduan "
                                                              "dapat diambil dengan token ini."),
                    "account_id": account_id}
        else:
            complaint = intake.create(submission, key)
            item = {"service_request_id": complaint.tracking_no,
                    "service_notice": intake.notice(complaint, site.timezone), "account_id": account_id}
        return render.respond(fmt, "service_requests", [item])

    return _idempotent(request, fmt, key, produce)


@endpoint("GET")
def token(request: HttpRequest, fmt: str, site: SiteSettings, token: str) -> HttpResponse:
    found = RequestToken.objects.filter(token=token.strip()).select_related("complaint").first()
    if found is None:
        raise not_found(_("token tidak ditemukan."))
    if found.status == TokenStatus.FAILED:
        raise bad("token", _("aduan dari token ini gagal dibuat: %(e)s") % {"e": found.error[:500]})
    request_id = None
    if found.complaint_id:
        visible = reads.requests_queryset().filter(pk=found.complaint_id).exists()
        if not visible:  # made rahasia or archived since: as unknown as requests/{id} says
            raise not_found(_("token tidak ditemukan."))
        request_id = found.complaint.tracking_no
    return render.respond(fmt, "service_requests", [{"service_request_id": request_id, "token": found.token}])


# --------------------------------------------------------------------------------------------------------
# servicerequestupdates (mySociety extension)


@endpoint("GET", "POST")
def updates(request: HttpRequest, fmt: str, site: SiteSettings) -> HttpResponse:
    if request.method == "POST":
        key = _authenticate(request, "post_service_request_update")

        def produce() -> HttpResponse:
            update, _created = intake.post_update(request.POST, key, site.timezone)
            return render.respond(fmt, "service_request_updates",
                                  [{"update_id": str(update.event_id) if update.event_id else update.update_id}])

        return _idempotent(request, fmt, key, produce)
    g = request.GET
    start = parse_when(get(g, "start_date"), "start_date", site.timezone)
    end = parse_when(get(g, "end_date"), "end_date", site.timezone, end_of_day=True)
    if start and end and start > end:
        raise bad("start_date", _("harus sebelum end_date"))
    if not start and not end:
        end = timezone.now()
        start = end - WINDOW
    qs = reads.public_update_events()
    if start:
        qs = qs.filter(at__gte=start)
    if end:
        qs = qs.filter(at__lte=end)
    # Oldest first, unlike requests: a client syncing the feed continues from the last update it has seen.
    ctx = _ctx(request, site)
    items = [reads.update_fields(e, ctx) for e in qs.order_by("at", "id")[:MAX_REQUESTS]]
    return render.respond(fmt, "service_requests_updates", items)


def not_found_view(request: HttpRequest, path: str) -> HttpResponse:
    fmt = "json" if path.endswith(".json") else "xml"
    return render.errors(fmt, 404, [(404, _("Alamat tidak dikenal. Lihat /open311/discovery.xml."))])
