"""Months of complaints for the demo city, each one lived through the real actions with explicit `now=` times.

Nothing is written behind the actions' back: every submit, disposisi, limpah, tanggapan, selesai, confirmation
and reopening is a `check_*` + `do_*` call of `kotacerdas.complaints.actions`, so timelines, SLA stages,
notifications and audit rows are exactly what the platform would have produced. Between two steps the case
is swept with `sweeps.check_case(complaint, t)` at the moments the 5-minute sweep would have noticed
something (60 % and 90 % of the stage, just after the due time, 1 and 3 working days late), so warnings,
breaches, escalations and automatic closing land in the timelines at plausible times. At the end one real
sweep runs at the present moment over everything still open.

Deterministic: one `random.Random(seed)` drives every choice, and cases are replayed in intake order.
A case whose next step would be in the future simply stops there, so the most recent weeks stay open in
every state; a few older cases are deliberately left stuck (the backlog that escalates).
"""

from __future__ import annotations

import contextlib
import io
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.prepared import prep

from kotacerdas.accounts.models import Role, User
from kotacerdas.agencies.models import Agency
from kotacerdas.complaints import actions, routing, sweeps
from kotacerdas.complaints.models import (
    OPEN_STATUSES,
    Category,
    Channel,
    Classification,
    Complaint,
    Outcome,
    SlaStage,
    Status,
)
from kotacerdas.core import deadlines
from kotacerdas.core.demo.city import read_categories
from kotacerdas.core.demo.texts import TextGenerator, fake_phone
from kotacerdas.core.models import Notification
from kotacerdas.regions import geo
from kotacerdas.regions.models import Level, Region

# Channel mix: the web form and the app dominate; WhatsApp and the rest are entered by staff (invented shares).
CHANNELS = {Channel.WEB: 42, Channel.MOBILE: 20, Channel.WHATSAPP: 12, Channel.SOCIAL: 6, Channel.PHONE: 5,
            Channel.LAPOR: 6, Channel.WALKIN: 5, Channel.SMS: 4}
RAHASIA_SHARE = 0.05
ANONIM_SHARE = 0.15
# Categories whose reporters ask for secrecy far more often than the rest.
SENSITIVE = {"kekerasan-anak": 0.7, "pungli": 0.4, "asn-disiplin": 0.2}
# Plausible wrong first disposisi (the admin's usual confusions), fixed later by a limpah.
MISROUTE = {
    "drainase": "dinas-lingkungan-hidup", "banjir": "bpbd", "lampu-jalan": "dinas-perhubungan",
    "pohon-tumbang": "dinas-perumahan-kawasan-permukiman-cipta-karya-dan-tata-ruang", "sampah": "satpol-pp",
    "parkir-liar": "satpol-pp", "pkl": "dinas-perhubungan", "reklame-liar": "satpol-pp",
    "bangunan-tanpa-izin": "satpol-pp", "gepeng": "satpol-pp", "taman-kota": "dinas-pemuda-dan-olahraga",
}
# Days from first response to "selesai" by category group: a pothole takes longer than an information request.
RESOLVE_DAYS = {"Infrastruktur": (2, 20), "Kebersihan dan lingkungan": (1, 10), "Informasi": (0, 3)}
DEFAULT_RESOLVE_DAYS = (1, 14)
# Share of citizens who pick a wrong (neighbouring) category in the form; the admin routes by it anyway.
WRONG_CATEGORY_SHARE = 0.05
OPEN_STATES = ("baru", "tunda", "disposisi", "diproses", "selesai")


@dataclass
class Plan:
    index: int
    category: str
    created: datetime
    verify: str = "dispose"  # dispose, tunda, arsip, bukan_wewenang, merge
    late_verify: bool = False
    reroute: bool = False
    late_respond: bool = False
    fixed: bool = True
    long_resolve: bool = False
    reaction: str = "confirm"  # confirm, reopen, silent
    rating: int = 5
    stop: str = ""  # an open state the case is left in on purpose (backlog), "" = live it to the end
    rahasia: bool = False
    anonim: bool = False
    admin_rahasia: bool = False
    review: bool = True
    quick: bool = False  # every step within hours (a case that must be "selesai" by now)


@dataclass
class ReplayStats:
    complaints: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    notifications: int = 0
    sweep: dict[str, int] = field(default_factory=dict)


class _NoDelivery:
    """Stands in for `notify.deliver` while seeding: the rows are written, nothing is queued or sent."""

    def enqueue(self, *args: Any, **kwargs: Any) -> None:
        return None


@contextlib.contextmanager
def demo_notifications() -> Iterator[dict[str, int]]:
    """Seeding writes thousands of notification rows (they are part of each change, and the demo inbox shows
    them). Delivering them would queue ~10,000 tasks to the console backend and flood the first `make run`,
    so while seeding the delivery task is swapped out, and afterwards the rows written are marked sent (with
    a note in last_error) so the retry task never picks them up either."""
    from kotacerdas.core import notify

    start = Notification.objects.aggregate(m=Max("id"))["m"] or 0
    real = notify.deliver
    notify.deliver = _NoDelivery()  # type: ignore[assignment]
    result = {"marked": 0}
    try:
        yield result
    finally:
        notify.deliver = real
        result["marked"] = Notification.objects.filter(pk__gt=start, sent_at__isnull=True).update(
            sent_at=timezone.now(), last_error="demo: dibuat oleh seed_demo, tidak dikirim")


class Places:
    """Random points inside kelurahan outlines. Every kelurahan gets an equal share: no kelurahan population
    is bundled, and kelurahan are drawn around population far more than around area, so an equal share
    is closer to where people live than an area-weighted one (which would favour the port and the fringe)."""

    def __init__(self, city: Region, rng: random.Random) -> None:
        self.rng = rng
        self.units: list[tuple[Region, Any, Any]] = []
        rows = Region.objects.filter(parent__parent=city, level=Level.KELURAHAN, boundary__isnull=False)
        for region in rows.select_related("parent").order_by("code"):
            geom = shape(region.boundary)
            if not geom.is_valid:
                geom = geom.buffer(0)
            if not geom.is_empty:
                self.units.append((region, geom, prep(geom)))
        if not self.units:
            raise ValueError("Kota belum punya batas kelurahan; jalankan setup_region terlebih dahulu.")

    def sample(self) -> tuple[float, float, Region]:
        region, geom, prepared = self.rng.choice(self.units)
        minx, miny, maxx, maxy = geom.bounds
        for _attempt in range(200):
            lon, lat = self.rng.uniform(minx, maxx), self.rng.uniform(miny, maxy)
            if prepared.contains(Point(lon, lat)):
                return round(lat, 6), round(lon, 6), region
        point = geom.representative_point()  # a sliver of a polygon: its own inner point is still inside
        return round(point.y, 6), round(point.x, 6), region


def _photos(count: int = 4) -> list[bytes]:
    """A few synthetic "after" photos (grey asphalt with a patch), JPEG bytes as an upload would bring them."""
    from PIL import Image, ImageDraw

    out = []
    for n in range(count):
        im = Image.new("RGB", (480, 360), (96 + 8 * n, 96 + 6 * n, 100))
        draw = ImageDraw.Draw(im)
        draw.rectangle((120 + 10 * n, 140, 330 - 5 * n, 250), fill=(40, 40, 44))
        draw.line((0, 300, 480, 290 - 10 * n), fill=(230, 220, 90), width=6)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=80)
        out.append(buf.getvalue())
    return out


class Replay:
    def __init__(self, *, city: Region, users: dict[str, User], seed: int = 42, now: datetime | None = None,
                 months: int = 6, progress: Callable[[str], None] | None = None) -> None:
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.start = self.now - timedelta(days=round(months * 30.4))
        self.users = users
        self.progress = progress or (lambda _msg: None)
        self.text = TextGenerator(self.rng)
        self.places = Places(city, self.rng)
        self.categories = {c.code: c for c in Category.objects.all()}
        self.rows = [r for r in read_categories() if r["code"] in self.categories]
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.penghubung = {}
        for user in User.objects.filter(role=Role.PENGHUBUNG, is_demo=True, is_active=True).order_by("username"):
            if user.agency_id and (user.agency.head_id != user.pk):
                self.penghubung.setdefault(user.agency_id, user)
        self.petugas = {u.agency_id: u for u in User.objects.filter(role=Role.PETUGAS, is_demo=True)}
        self.admin = users["admin"]
        self.warga = users.get("warga")
        self.photos = _photos()
        self.open_cases: list[int] = []

    # Time -------------------------------------------------------------------------------------------

    def _local(self, dt: datetime) -> datetime:
        return deadlines.to_local(dt)

    def office_time(self, day: Any) -> datetime:
        """A moment in office hours (08:00-15:30 local) of `day`."""
        minutes = self.rng.randint(8 * 60, 15 * 60 + 30)
        local = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60,
                         tzinfo=self._local(self.now).tzinfo)
        return local

    def after_workdays(self, t: datetime, n: int) -> datetime:
        """Office time `n` working days after `t` (n = 0: a few hours later the same day)."""
        if n <= 0:
            return t + timedelta(minutes=self.rng.randint(20, 240))
        day = self._local(deadlines.due_at(t, n, deadlines.UNIT_WORKING_DAYS)).date()
        moment = self.office_time(day)
        return moment if moment > t else t + timedelta(hours=1)

    def after_days(self, t: datetime, days: float) -> datetime:
        return t + timedelta(days=days, minutes=self.rng.randint(0, 600))

    # Plans ------------------------------------------------------------------------------------------

    def _created_times(self, n: int) -> list[datetime]:
        span = (self.now - self.start).total_seconds()
        times = []
        for _ in range(n):
            # Slightly more reports recently (the service grows) and mostly in waking hours.
            frac = self.rng.random() ** 0.85
            t = self.start + timedelta(seconds=frac * span)
            local = self._local(t)
            if self.rng.random() < 0.85:
                local = local.replace(hour=self.rng.randint(6, 22), minute=self.rng.randint(0, 59))
            times.append(min(local, self.now - timedelta(minutes=5)))
        return sorted(times)

    def _draw(self, index: int, created: datetime) -> Plan:
        rng = self.rng
        row = rng.choices(self.rows, weights=[int(r["weight"]) for r in self.rows])[0]
        p = Plan(index=index, category=row["code"], created=created)
        p.rahasia = rng.random() < SENSITIVE.get(p.category, RAHASIA_SHARE)
        p.anonim = rng.random() < ANONIM_SHARE
        p.admin_rahasia = not p.rahasia and p.category in SENSITIVE and rng.random() < 0.5
        p.verify = rng.choices(("dispose", "tunda", "arsip", "bukan_wewenang", "merge"),
                               weights=(86, 5, 3, 4, 2))[0]
        p.late_verify = rng.random() < 0.12
        p.reroute = p.category in MISROUTE and rng.random() < 0.15
        p.late_respond = rng.random() < 0.15
        p.fixed = rng.random() < 0.88
        p.long_resolve = rng.random() < 0.03
        p.reaction = rng.choices(("confirm", "reopen", "silent"), weights=(64, 7, 29))[0]
        good = (5, 4, 3, 2, 1), (58, 28, 7, 4, 3)
        poor = (3, 2, 1), (30, 35, 35)
        p.rating = rng.choices(*(good if p.fixed else poor))[0]
        p.stop = rng.choices(("",) + OPEN_STATES, weights=(93, 1.5, 0.5, 2, 2, 1))[0]
        p.review = rng.random() < 0.6
        return p

    def plans(self, n: int) -> list[Plan]:
        plans = [self._draw(i, t) for i, t in enumerate(self._created_times(n))]
        # A small demo (the tests use 60) must still show every state; pin one older case to each scenario.
        old = [p for p in plans if (self.now - p.created).days > 40]
        must: list[dict[str, Any]] = [
            {"verify": "arsip"}, {"verify": "bukan_wewenang"}, {"reaction": "reopen"}, {"reaction": "silent"},
            {"reaction": "confirm", "rating": 1}, {"fixed": False, "reaction": "confirm", "rating": 2},
            {"late_verify": True}, {"late_respond": True}, {"rahasia": True},
            {"stop": "baru"}, {"stop": "tunda", "verify": "tunda"}, {"stop": "disposisi"}, {"stop": "diproses"},
        ]
        picks = self.rng.sample(old, min(len(old), len(must)))
        for plan, changes in zip(picks, must, strict=False):
            plan.stop, plan.verify = "", "dispose"
            for key, value in changes.items():
                setattr(plan, key, value)
        recent = [p for p in plans[-max(3, n // 4):] if p not in picks]
        if recent:
            recent[-1].verify = "merge"  # a duplicate of an older open case
        free = [p for p in plans if p not in picks and p.verify != "merge"]
        if free:
            # Resolved a few days ago and waiting for the reporter (not yet auto-closed): handled at once, filed
            # about six days ago, so it is "selesai" now whatever the random delays elsewhere.
            waiting = min(free, key=lambda p: abs((self.now - p.created) - timedelta(days=6)))
            if not timedelta(days=3) <= self.now - waiting.created <= timedelta(days=9):
                waiting.created = self.now - timedelta(days=6)
            waiting.stop, waiting.verify, waiting.quick = "selesai", "dispose", True
            waiting.late_verify = waiting.late_respond = waiting.reroute = waiting.long_resolve = False
            plans.sort(key=lambda p: p.created)
        if plans and not any(p.category in ("jalan-rusak", "lampu-jalan") and p.reroute for p in plans):
            candidates = [p for p in old if p.category in MISROUTE and p not in picks]
            if candidates:
                candidates[0].reroute = True
        return plans

    # One case ---------------------------------------------------------------------------------------

    def _reporter(self, plan: Plan) -> tuple[User | None, dict[str, Any]]:
        rng = self.rng
        if self.warga is not None and rng.random() < 0.2:
            return self.warga, {}
        data = {"reporter_name": self.text.reporter_name()}
        if rng.random() < 0.85:
            data["reporter_phone"] = fake_phone(rng)
        if rng.random() < 0.4 or "reporter_phone" not in data:
            data["reporter_email"] = data["reporter_name"].split()[0].lower() + f"{rng.randint(1, 999)}@contoh.id"
        return None, data

    def submit(self, plan: Plan) -> Complaint:
        rng = self.rng
        category = self.categories[plan.category]
        lat, lon, kel = self.places.sample()
        parent = None
        if plan.verify == "merge" and self.open_cases:
            # Chosen by our seeded generator, not ORDER BY RANDOM(), so a given seed gives the same city.
            candidates = sorted(Complaint.objects.filter(pk__in=self.open_cases, status__in=OPEN_STATUSES)
                                .values_list("pk", flat=True))
            parent = Complaint.objects.get(pk=rng.choice(candidates)) if candidates else None
            if parent is not None and parent.lat is not None:
                # The same problem seen by a neighbour: a few dozen metres from the first report.
                lat = round(parent.lat + rng.uniform(-0.0003, 0.0003), 6)
                lon = round(parent.lon + rng.uniform(-0.0003, 0.0003), 6)
                try:
                    geo.locate(lat, lon)
                except geo.OutsideCity:  # the first report was at the city edge: the neighbour stood there too
                    lat, lon = parent.lat, parent.lon
                category = parent.category
                plan.category = category.code
        place = {"kel": kel.name, "kec": kel.parent.name}
        text = self.text.complaint(plan.category, place)
        if parent is None and rng.random() < WRONG_CATEGORY_SHARE:
            # The citizen picked a neighbouring category in the form (drainase for a flood, ...): the text
            # says one thing, the label another, as in real intake data.
            siblings = [code for code, c in self.categories.items()
                        if c.group == category.group and code != category.code]
            if siblings:
                category = self.categories[rng.choice(sorted(siblings))]
                plan.category = category.code
        reporter, who = self._reporter(plan)
        classification = category.classification
        if classification == Classification.PENGADUAN and rng.random() < 0.05:
            classification = Classification.ASPIRASI
        data = {
            "title": text.title, "description": text.description, "category": category,
            "lat": lat, "lon": lon, "address": f"{self.text.fill('{jalan} {patokan}', {})}",
            "is_rahasia": plan.rahasia, "is_anonim": plan.anonim,
            "channel": rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0],
            "classification": classification, **who,
        }
        complaint = actions.submit(data, user=reporter, now=plan.created)
        complaint._demo_parent = parent  # type: ignore[attr-defined]
        return complaint

    def sweep_until(self, c: Complaint, t: datetime) -> Complaint:
        """What the periodic sweep would have done to `c` before `t` (never past the present)."""
        if not c.stage or not c.stage_due_at or not c.stage_started_at:
            return c
        start, due = c.stage_started_at, c.stage_due_at
        if c.stage == SlaStage.CONFIRM:
            points = [due + timedelta(minutes=5)]
        else:
            points = [start + (due - start) * 0.6, start + (due - start) * 0.9, due + timedelta(minutes=5)]
            points += [deadlines.due_at(due, 1, "hk") - timedelta(hours=8),
                       deadlines.due_at(due, 3, "hk") - timedelta(hours=8)]
        for point in points:
            if point < t and point <= self.now and c.status in OPEN_STATUSES:
                sweeps.check_case(c, point)
        return c

    def reached(self, c: Complaint, t: datetime) -> bool:
        """Sweeps up to `t`; False when `t` is still in the future (the case waits there)."""
        self.sweep_until(c, min(t, self.now))
        return t <= self.now

    def opd_user(self, c: Complaint) -> User:
        user = self.penghubung.get(c.agency_id)
        if user is None:
            raise LookupError(f"no demo penghubung for agency {c.agency.code}")
        return user

    def live(self, plan: Plan) -> Complaint:
        rng, admin = self.rng, self.admin
        c = self.submit(plan)
        parent = getattr(c, "_demo_parent", None)
        place = {"kel": c.kelurahan.name if c.kelurahan_id else "", "kec": c.kecamatan.name if c.kecamatan_id else ""}
        token = c.access_token
        reporter = c.reporter

        # Verification by the admin koordinator.
        t = self.after_workdays(plan.created, 0 if plan.quick else rng.choice((4, 5, 6)) if plan.late_verify
                                else rng.choices((0, 1, 2, 3), weights=(30, 35, 25, 10))[0])
        if plan.stop == "baru" or not self.reached(c, t):
            return c
        if plan.verify in ("arsip", "bukan_wewenang"):
            status = Status.ARSIP if plan.verify == "arsip" else Status.BUKAN_WEWENANG
            reason = actions.check_close_unverified(admin, c, self.text.line(plan.verify))
            return actions.do_close_unverified(admin, c, status, reason, now=t)
        if plan.verify == "merge" and parent is not None and parent.status in OPEN_STATUSES:
            parent = actions.check_merge(admin, c, parent)
            return actions.do_merge(admin, c, parent, now=t)
        if plan.verify == "tunda":
            reason = actions.check_tunda(admin, c, self.text.line("tunda"))
            c = actions.do_tunda(admin, c, reason, now=t)
            t = self.after_days(t, rng.uniform(0.5, 4))
            if plan.stop == "tunda" or t > self.now:
                return c
            info = actions.check_resume(reporter, c, token=token, info=self.text.line("resume", place))
            c = actions.do_resume(reporter, c, info, now=t)
            t = self.after_workdays(t, rng.choice((0, 1, 2)))
            if not self.reached(c, t):
                return c
        right = c.routing_rule.agency if c.routing_rule_id else None
        wrong = self.agencies.get(MISROUTE.get(c.category.code, "")) if plan.reroute else None
        if wrong is not None and wrong.pk not in self.penghubung:
            wrong = None
        agency = actions.check_dispose(admin, c, wrong or right)
        c = actions.do_dispose(admin, c, agency, now=t,
                               is_rahasia=True if plan.admin_rahasia else None)
        if wrong is not None and right is not None:
            t = self.after_workdays(t, rng.choice((1, 2)))
            if not self.reached(c, t):
                return c
            who = self.opd_user(c)
            agency, reason = actions.check_reroute(who, c, right, self.text.line("reroute"))
            c = actions.do_reroute(who, c, agency, reason, now=t)
        if plan.stop == "disposisi":
            return c

        # The OPD: accept (or assign a field officer), then the first public response.
        opd = self.opd_user(c)
        officer = self.petugas.get(c.agency_id)
        t = self.after_workdays(t, 0 if plan.quick else rng.choice((6, 7, 8)) if plan.late_respond
                                else rng.choices((0, 1, 2, 3), weights=(35, 35, 20, 10))[0])
        if not self.reached(c, t):
            return c
        if officer is not None and rng.random() < 0.6:
            officer = actions.check_assign(opd, c, officer)
            c = actions.do_assign(opd, c, officer, note="Mohon dicek ke lokasi.", now=t)
            responder = officer
        else:
            actions.check_accept(opd, c)
            c = actions.do_accept(opd, c, now=t)
            responder = opd
        if plan.stop == "diproses":
            return c
        t = self.after_workdays(t, 0 if plan.late_respond or plan.quick else rng.choice((0, 1, 1, 2)))
        if not self.reached(c, t):
            return c
        message, _photos = actions.check_respond(responder, c, self.text.line("response", place))
        c = actions.do_respond(responder, c, message, now=t)

        rounds = 0
        while True:
            low, high = RESOLVE_DAYS.get(c.category.group, DEFAULT_RESOLVE_DAYS)
            days = rng.uniform(62, 75) if plan.long_resolve else 0.5 if plan.quick else rng.uniform(low, high)
            t = self.after_days(t, days)
            if not self.reached(c, t):
                return c
            fixed = plan.fixed or rounds > 0
            outcome = Outcome.FIXED if fixed else Outcome.NOT_FIXED
            text = self.text.resolution(c.category.code, place) if fixed else self.text.line("not_fixed")
            raw = [rng.choice(self.photos)] if fixed and c.category.requires_after_photo else []
            outcome, text, photos = actions.check_resolve(opd, c, outcome, text, photos=raw)
            c = actions.do_resolve(opd, c, outcome, text, photos=photos, now=t)
            if plan.stop == "selesai":
                return c

            # The reporter: confirm and rate, reopen (once), or stay silent until the case closes itself.
            if plan.reaction == "silent":
                self.sweep_until(c, self.now)
                return c
            t = self.after_workdays(t, rng.choices((0, 1, 2, 4, 7), weights=(20, 30, 25, 15, 10))[0])
            if t > self.now or (c.stage_due_at and t > c.stage_due_at):
                self.sweep_until(c, self.now)
                return c
            if plan.reaction == "reopen" and rounds == 0:
                reason = actions.check_reopen(reporter, c, self.text.line("reopen"), token=token, now=t)
                c = actions.do_reopen(reporter, c, reason, now=t)
                rounds += 1
                plan.rating = min(plan.rating, rng.choice((2, 3, 4)))
                t = self.after_workdays(t, rng.choice((1, 2, 3)))
                if not self.reached(c, t):
                    return c
                message, _photos = actions.check_respond(opd, c, self.text.line("response", place))
                c = actions.do_respond(opd, c, message, now=t)
                continue
            rating = actions.check_confirm(reporter, c, plan.rating, token=token)
            comment = self.text.line("good_comment" if rating >= 4 else "bad_comment")
            c = actions.do_confirm(reporter, c, rating, comment, now=t)
            break

        if c.needs_review and plan.review:
            t = self.after_workdays(t, rng.choice((1, 2, 3)))
            if t <= self.now:
                note = actions.check_review(admin, c, "Sudah dikonfirmasi ke OPD dan pelapor.")
                c = actions.do_review(admin, c, note, now=t)
        return c

    # All cases --------------------------------------------------------------------------------------

    def run(self, n: int) -> ReplayStats:
        stats = ReplayStats()
        began = time.monotonic()
        with demo_notifications() as marked:
            for number, plan in enumerate(self.plans(n), start=1):
                with transaction.atomic():
                    complaint = self.live(plan)
                if complaint.status in OPEN_STATUSES:
                    self.open_cases.append(complaint.pk)
                stats.complaints += 1
                if number % 200 == 0:
                    self.progress(f"  {number}/{n} aduan ({time.monotonic() - began:.0f} dtk)")
            # The sweep that runs every five minutes, once, at the present moment.
            stats.sweep = sweeps.sweep(now=self.now)
        stats.notifications = marked["marked"]
        stats.statuses = Counter()
        for status in Complaint.objects.values_list("status", flat=True):
            stats.statuses[status] += 1
        stats.seconds = time.monotonic() - began
        return stats


def ensure_routing_covered() -> list[str]:
    """Category codes without a routing rule in force (the demo expects none)."""
    ruled = set(routing.current_rules().values_list("category__code", flat=True))
    return sorted(set(Category.objects.values_list("code", flat=True)) - ruled)
