"""The live room's data: tiles with their last-week trend, map layers and the event feed, scoped by the reader.

Everything here reads through the owning app's selectors (complaints, traffic, parking) and never scans rows:
- complaint tiles: three aggregates on indexes (`complaints.selectors.command_center_figures`);
- traffic tiles: the ATCS map (`traffic.selectors.latest_state`: this process's cache, else the MapSnapshot row the
  refresh task stored) for now and for the same bucket a week ago, plus one aggregate over alarms;
- parking tiles: one aggregate over the `paid_at` index and one over the points.
"Trend" is always today until now against the same weekday last week until the same time of day (a week back,
so the weekday pattern of a city — quiet Sundays, busy Mondays — does not read as a trend).

Who may use the room (`can_use_room`): superadmin, admin koordinator, operator Command Center, pimpinan (Wali Kota
and Sekda the whole city, camat/lurah their area) and penghubung OPD (the head of an OPD sees their OPD's
complaints). Each layer and tile is then scoped by the owning app's rules; a layer the reader may not see is left
out (e.g. a penghubung of DLH sees no ATCS layer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kotacerdas.accounts.models import Role
from kotacerdas.complaints import selectors as complaint_selectors
from kotacerdas.core.deadlines import site_timezone, to_local
from kotacerdas.core.models import Event
from kotacerdas.parking import selectors as parking_selectors
from kotacerdas.traffic import selectors as traffic_selectors
from kotacerdas.traffic.models import AlarmKind

ROOM_ROLES = frozenset({Role.SUPERADMIN, Role.ADMIN_KOORDINATOR, Role.OPERATOR, Role.PIMPINAN, Role.PENGHUBUNG})
WEEK = timedelta(days=7)
T = TypeVar("T")
# Topics whose events the room listens to (SSE `topics` prefixes) and shows in the feed.
STREAM_TOPICS = ("complaint", "traffic.alarm", "parking.leakage")
FEED_TOPICS = ("complaint.created", "complaint.sla", "traffic.alarm", "parking.leakage.assessed")
# The feed looks at most this many events back (the outbox also holds every parking payment, so an unbounded
# "newest 20 of these topics" could walk millions of rows on a quiet day).
FEED_LOOKBACK = 50_000
SLA_BANDS = ("tepat", "perhatian", "kritis", "lewat")  # 0 on time, 1 ≥ 50 %, 2 ≥ 80 % of the stage, 3 overdue


def can_use_room(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and (user.is_superuser or user.role in ROOM_ROLES))


def day_start(now: datetime) -> datetime:
    """Midnight of `now`'s calendar day in the city's zone (SiteSettings.timezone)."""
    local = to_local(now)
    return datetime.combine(local.date(), time.min, tzinfo=ZoneInfo(site_timezone()))


def tile_url_template() -> str:
    return str(getattr(settings, "COMMAND_CENTER_TILE_URL", "") or "")


# --- Tiles ------------------------------------------------------------------------------------------------------


@dataclass
class Trend:
    """Today-until-now against last week's same weekday until the same time."""

    now: float | None
    before: float | None
    higher_is_better: bool | None  # None: neither direction is good or bad (intake)

    @property
    def delta(self) -> float | None:
        if self.now is None or self.before is None:
            return None
        return self.now - self.before

    @property
    def direction(self) -> str:
        d = self.delta
        if d is None or abs(d) < 1e-9:
            return "flat"
        return "up" if d > 0 else "down"

    @property
    def tone(self) -> str:
        """Tabler colour of the arrow: green when the change is good, red when bad, grey otherwise."""
        if self.direction == "flat" or self.higher_is_better is None:
            return "secondary"
        good = (self.direction == "up") == self.higher_is_better
        return "green" if good else "red"

    @property
    def percent(self) -> float | None:
        d = self.delta
        if d is None or not self.before:
            return None
        return d / self.before * 100


@dataclass
class Tile:
    key: str
    label: str
    value: str
    trend: Trend
    trend_text: str
    sub: str = ""
    tone: str = ""  # colour of the figure itself (e.g. red when there are overdue cases)
    href: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "value": self.value, "sub": self.sub, "tone": self.tone,
                "href": self.href, "trend": {"now": self.trend.now, "last_week": self.trend.before,
                                             "direction": self.trend.direction, "tone": self.trend.tone,
                                             "percent": self.trend.percent, "text": self.trend_text},
                **({"extra": self.extra} if self.extra else {})}


def _num(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "–"
    return number_format(x, decimal_pos=digits, use_l10n=True, force_grouping=True)


def _rupiah(x: float | None) -> str:
    if x is None:
        return "–"
    if abs(x) >= 1_000_000:
        return "Rp" + number_format(x / 1_000_000, decimal_pos=1, use_l10n=True) + " jt"
    return "Rp" + number_format(x, decimal_pos=0, use_l10n=True, force_grouping=True)


def _trend_text(trend: Trend, fmt: Any = _num) -> str:
    if trend.before is None:
        return _("minggu lalu: –")
    if trend.direction == "flat":
        return _("sama dengan minggu lalu (%(before)s)") % {"before": fmt(trend.before)}
    if trend.percent is not None:
        arrow = {"up": "▲", "down": "▼", "flat": "="}[trend.direction]
        return _("%(arrow)s %(pct)s%% dari minggu lalu (%(before)s)") % {
            "arrow": arrow, "pct": _num(abs(trend.percent)), "before": fmt(trend.before)}
    return _("minggu lalu: %(before)s") % {"before": fmt(trend.before)}


def _ratio(a: int, b: int) -> float | None:
    return a / b * 100 if b else None


def _link(name: str, query: str = "") -> str:
    try:
        return reverse(name) + query
    except NoReverseMatch:  # a page another app has not built yet: no link rather than a 500
        return ""


def complaint_tiles(user: Any, now: datetime, start: datetime) -> list[Tile]:
    f = complaint_selectors.command_center_figures(user, now=now, day_start=start, week=WEEK)
    queue = _link("complaints:queue")
    tiles = []
    t = Trend(f["created_today"], f["created_last_week"], None)
    tiles.append(Tile("complaints_today", _("Aduan hari ini"), _num(f["created_today"]), t, _trend_text(t),
                      href=queue))
    t = Trend(f["open"], f["open_last_week"], False)
    tiles.append(Tile("complaints_open", _("Aduan terbuka"), _num(f["open"]), t, _trend_text(t), href=queue))
    t = Trend(f["breaches_today"], f["breaches_last_week"], False)
    tiles.append(Tile("complaints_overdue", _("Lewat tenggat"), _num(f["overdue"]), t,
                      _("pelanggaran baru hari ini: %(n)s · %(trend)s") % {"n": _num(f["breaches_today"]),
                                                                            "trend": _trend_text(t)},
                      tone="red" if f["overdue"] else "", href=queue + "?tab=terlambat" if queue else ""))
    on_time = _ratio(f["on_time_today"], f["resolved_today"])
    on_time_before = _ratio(f["on_time_last_week"], f["resolved_last_week"])
    t = Trend(on_time, on_time_before, True)
    tiles.append(Tile("complaints_on_time", _("Selesai tepat waktu"),
                      "–" if on_time is None else _num(on_time) + "%", t,
                      _trend_text(t, lambda x: _num(x) + "%"),
                      sub=_("%(a)s dari %(b)s diselesaikan hari ini") % {"a": _num(f["on_time_today"]),
                                                                          "b": _num(f["resolved_today"])}))
    t = Trend(f["rating_today"], f["rating_last_week"], True)
    tiles.append(Tile("complaints_rating", _("Rata-rata penilaian"),
                      "–" if f["rating_today"] is None else _num(f["rating_today"], 1) + " / 5", t,
                      _trend_text(t, lambda x: _num(x, 1)),
                      sub=_("%(n)s penilaian hari ini") % {"n": _num(f["rated_today"])}))
    return tiles


def traffic_tiles(user: Any, now: datetime, start: datetime) -> list[Tile]:
    f = traffic_selectors.command_center_figures(user, now=now, day_start=start, week=WEEK)
    if not f:
        return []
    congested = f["los"]["E"] + f["los"]["F"]
    congested_before = f["los_last_week"]["E"] + f["los_last_week"]["F"]
    t = Trend(congested, congested_before, False)
    los = Tile("traffic_los", _("Simpang per LOS"), _num(congested), t, _trend_text(t),
               sub=_("simpang macet (LOS E–F) dari %(n)s berdata") % {"n": _num(f["with_data"])},
               tone="red" if congested else "", href=_link("traffic:map"),
               extra={"los": f["los"], "los_last_week": f["los_last_week"], "bucket": f["bucket"].isoformat()})
    t = Trend(f["raised_today"], f["raised_last_week"], False)
    incidents = Tile("traffic_incidents", _("Insiden aktif"), _num(f["incidents"]), t,
                     _("muncul hari ini: %(n)s · %(trend)s") % {"n": _num(f["raised_today"]),
                                                                "trend": _trend_text(t)},
                     sub=_("alarm terbuka (semua jenis): %(n)s") % {"n": _num(f["open_alarms"])},
                     tone="red" if f["incidents"] else "", href=_link("traffic:alarms"))
    return [los, incidents]


def parking_tiles(user: Any, now: datetime, start: datetime) -> list[Tile]:
    f = parking_selectors.command_center_figures(user, now=now, day_start=start, week=WEEK)
    if not f:
        return []
    t = Trend(f["revenue_today"], f["revenue_last_week"], True)
    share = _ratio(f["revenue_today"], f["target"])
    return [Tile("parking_revenue", _("Pendapatan parkir hari ini"), _rupiah(f["revenue_today"]), t,
                 _trend_text(t, _rupiah),
                 sub=_("%(pct)s dari target harian %(target)s") % {
                     "pct": "–" if share is None else _num(share) + "%", "target": _rupiah(f["target"])},
                 href=_link("parking:revenue"),
                 extra={"target": f["target"], "share": share, "transactions": f["transactions_today"]})]


def tiles(user: Any, now: datetime | None = None, *, seen: int | None = None) -> list[Tile]:
    """Every tile of the reader's scope; `seen`: see `shared_after_event`."""
    return shared_after_event(user, "tiles", seen, lambda: _tiles(user, now or timezone.now()))


def _tiles(user: Any, now: datetime) -> list[Tile]:
    start = day_start(now)
    return [*complaint_tiles(user, now, start), *traffic_tiles(user, now, start), *parking_tiles(user, now, start)]


def shared_after_event(user: Any, name: str, seen: int | None, compute: Callable[[], T]) -> T:
    """`compute()`, shared by the viewers of one scope who refetch after the same event.

    `seen` is the newest room event the viewer's browser has seen (room.js sends it when an event makes it
    refetch). Every viewer refetches after the same event, so the first computes and the rest of the room, within
    COMMAND_CENTER_FRAGMENT_SHARE_SECONDS, gets the same result from this process's cache: with 200 viewers and a
    million complaints one ~150 ms computation of the tiles per event instead of 200 (bench/README.md). Such a
    result is never older than the event, because the first request for it came after the event was committed.
    """
    share = int(settings.COMMAND_CENTER_FRAGMENT_SHARE_SECONDS)
    if seen is None or share <= 0 or seen > (Event.objects.order_by("-id").values_list("id", flat=True).first() or 0):
        # (An id not published yet is no event anyone saw: nothing to share, and nothing to keep that a hand-made
        # URL could plant for a later event.)
        return compute()
    key = f"cc-{name}:{scope_signature(user)}:{get_language()}:{seen}"
    hit = cache.get(key)
    if hit is None:
        hit = compute()
        cache.set(key, hit, share)
    return hit


def scope_signature(user: Any) -> str:
    """Everything of a user that the room's reads are scoped by (complaints_for, the traffic and parking
    selectors): two users with the same signature see the same tiles."""
    return f"{int(bool(user.is_superuser))}:{user.role}:{user.region_id}:{user.agency_id}"


# --- Map layers -------------------------------------------------------------------------------------------------


def cell_size(zoom: int) -> float:
    """Grid cell in degrees for a Leaflet zoom: about 60 screen pixels (a 256-px tile spans 360 / 2^z degrees)."""
    zoom = max(0, min(int(zoom), 20))
    return 360 / (2 ** zoom) / 256 * 60


def complaint_layer(user: Any, *, zoom: int, bbox: tuple[float, float, float, float] | None,
                    now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    cells = complaint_selectors.command_center_cells(user, now=now, cell=cell_size(zoom), bbox=bbox)
    singles = complaint_selectors.command_center_briefs(user, [c["id"] for c in cells if c["id"]])
    case_url = reverse("complaints:case", args=[0]).replace("/0/", "/{id}/")
    features = []
    for c in cells:
        props: dict[str, Any] = {"n": c["n"], "band": SLA_BANDS[c["worst"] or 0], "bands": c["bands"]}
        brief = singles.get(c["id"]) if c["id"] else None
        if brief is not None:
            props.update(id=brief["pk"], tracking_no=brief["tracking_no"], title=brief["title"],
                         category=brief["category__name"], kecamatan=brief["kecamatan__name"],
                         agency=brief["agency__name"], url=case_url.format(id=brief["pk"]))
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [c["lon"], c["lat"]]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features, "cell": cell_size(zoom)}


def intersection_layer(user: Any, now: datetime | None = None) -> dict[str, Any]:
    if not traffic_selectors.can_view(user):
        return {"type": "FeatureCollection", "features": []}
    data = traffic_selectors.as_geojson(
        traffic_selectors.latest_state(traffic_selectors.area_ids(user), now=now))
    url = reverse("traffic:intersection", args=["__code__"])
    for f in data["features"]:
        f["properties"]["url"] = url.replace("__code__", f["properties"]["code"])
    return data


def parking_layer(user: Any, now: datetime | None = None) -> dict[str, Any]:
    if not parking_selectors.can_view(user):
        return {"type": "FeatureCollection", "features": []}
    url = reverse("parking:point", args=["__code__"])
    features = []
    for p in parking_selectors.command_center_points(user, now=now or timezone.now()):
        props = {k: p[k] for k in ("code", "name", "occupancy", "occupied", "total", "leakage_score",
                                   "leakage_ratio", "leakage_day")}
        props["url"] = url.replace("__code__", p["code"])
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def alarm_layer(user: Any) -> dict[str, Any]:
    if not traffic_selectors.can_view(user):
        return {"type": "FeatureCollection", "features": []}
    url = reverse("traffic:intersection", args=["__code__"])
    features = []
    for a in traffic_selectors.command_center_alarms(user):
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [a["intersection__lon"], a["intersection__lat"]]},
            "properties": {"id": a["pk"], "kind": a["kind"], "state": a["state"],
                           "raised_at": a["raised_at"].isoformat(), "intersection": a["intersection__name"],
                           "code": a["intersection__code"],
                           "url": url.replace("__code__", a["intersection__code"])}})
    return {"type": "FeatureCollection", "features": features}


def layers_for(user: Any) -> list[str]:
    """The layers the reader may toggle (complaints always: the room is for staff who see some complaints)."""
    out = ["complaints"]
    if traffic_selectors.can_view(user):
        out += ["intersections", "alarms"]
    if parking_selectors.can_view(user):
        out.append("parking")
    return out


# --- Feed -------------------------------------------------------------------------------------------------------


@dataclass
class FeedItem:
    id: int
    at: datetime
    kind: str  # new | escalation | breach | alarm | leakage
    tone: str
    title: str
    detail: str
    url: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "kind": self.kind, "tone": self.tone,
                "title": self.title, "detail": self.detail, "url": self.url}


def _complaint_item(event: Event, brief: dict[str, Any]) -> FeedItem | None:
    p = event.payload or {}
    where = " · ".join(x for x in (brief.get("category__name"), brief.get("kecamatan__name")) if x)
    url = reverse("complaints:case", args=[brief["pk"]])
    if event.topic == "complaint.created":
        return FeedItem(event.pk, event.created, "new", "blue",
                        _("Aduan baru %(no)s") % {"no": brief["tracking_no"]}, where, url)
    if (p.get("escalation_level") or 0) > 0:
        return FeedItem(event.pk, event.created, "escalation", "orange",
                        _("Eskalasi tingkat %(n)s: %(no)s") % {"n": p["escalation_level"],
                                                                "no": brief["tracking_no"]}, where, url)
    if (p.get("sla_level") or 0) >= 100:
        return FeedItem(event.pk, event.created, "breach", "red",
                        _("Lewat tenggat: %(no)s") % {"no": brief["tracking_no"]}, where, url)
    return None  # 50 % / 80 % warnings belong to the queue, not to the room's feed


def feed(user: Any, *, limit: int = 20, after: int = 0) -> list[FeedItem]:
    """The newest room-worthy events the reader may see, newest first (each read-scoped by its app)."""
    newest = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    floor = max(after, newest - FEED_LOOKBACK)
    rows = list(Event.objects.filter(topic__in=FEED_TOPICS, id__gt=floor).order_by("-id")[:limit * 5])
    complaint_ids = [int(e.payload["id"]) for e in rows if e.topic.startswith("complaint.")
                     and isinstance(e.payload, dict) and str(e.payload.get("id", "")).isdigit()]
    briefs = complaint_selectors.command_center_briefs(user, complaint_ids)
    traffic_ok = traffic_selectors.can_view(user)
    area_ids = traffic_selectors.area_ids(user) if traffic_ok else None
    area = set(area_ids or ())
    scoped_area = area_ids is not None
    leakage_ok = parking_selectors.is_city_wide(user)
    items: list[FeedItem] = []
    for e in rows:
        p = e.payload if isinstance(e.payload, dict) else {}
        item = None
        if e.topic.startswith("complaint."):
            brief = briefs.get(int(p["id"])) if str(p.get("id", "")).isdigit() else None
            item = _complaint_item(e, brief) if brief else None
        elif e.topic == "traffic.alarm" and traffic_ok and p.get("state") == "raised":
            if not scoped_area or p.get("intersection_id") in area:
                label = str(dict(AlarmKind.choices).get(p.get("kind"), "Alarm"))
                item = FeedItem(e.pk, e.created, "alarm", "red",
                                _("%(kind)s di %(where)s") % {"kind": label, "where": p.get("intersection_name", "")},
                                str(p.get("reason", ""))[:140],
                                reverse("traffic:intersection", args=[p["intersection"]])
                                if p.get("intersection") else "")
        elif e.topic == "parking.leakage.assessed" and leakage_ok and (p.get("flagged") or 0) > 0:
            item = FeedItem(e.pk, e.created, "leakage", "yellow",
                            _("%(n)s titik parkir terindikasi bocor") % {"n": p["flagged"]},
                            _("Penilaian %(day)s, perkiraan kebocoran %(loss)s") % {
                                "day": p.get("day", ""), "loss": _rupiah(p.get("estimated_loss"))},
                            reverse("parking:audit"))
        if item is not None:
            items.append(item)
        if len(items) >= limit:
            break
    return items
