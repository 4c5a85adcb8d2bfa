"""The Command Center live room in a browser: an operator watches a new complaint arrive in the feed and on the
map without a reload and opens it from the map; the head of an OPD sees only their OPD; the wall view fills a
1920x1080 screen without scrolling (screenshot test-results/screens/command-center-wall.png).

The live server is WSGI, where Django sends a stream only when it ends: EVENT_STREAM_MAX_SECONDS = 1 makes each
stream a one-second long poll, and the browser's EventSource reconnects with Last-Event-ID (kotacerdas/core/sse.py),
so events still arrive within seconds and none is lost.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.e2e.helpers import CAPTURE_LEAFLET_MAPS, page_errors, persona_page, wait_for_map


def seed_room() -> dict[str, Any]:
    """Medan's regions, DLH and Dishub with a category each, 24 intersections with a simulated bucket and an alarm,
    20 parking points with today's payments, 120 open and closed complaints around the intersections, and the
    events of a few of them for the feed."""
    from kotacerdas.accounts.models import Role, User
    from kotacerdas.agencies.models import Agency
    from kotacerdas.complaints.models import Category, Complaint, ComplaintEvent, RoutingRule
    from kotacerdas.core.models import Event
    from kotacerdas.parking import leakage
    from kotacerdas.parking.models import Jukir, OccupancyReading, ParkingPoint, ParkingTransaction
    from kotacerdas.regions.loader import setup_region
    from kotacerdas.regions.models import Level, Region
    from kotacerdas.sensors.actions import do_ingest
    from kotacerdas.sensors.models import Device
    from kotacerdas.traffic import actions, engineering, simulator
    from kotacerdas.traffic.management.commands.seed_traffic import GATEWAY
    from kotacerdas.traffic.models import Intersection

    city = setup_region("12.71")
    call_command("seed_traffic", "--count", "24", stdout=StringIO())
    bucket = engineering.last_complete_bucket()
    readings = [r.compact() for r in simulator.generate(simulator.topology_from_db(), bucket,
                                                        bucket + timedelta(minutes=15))]
    do_ingest("traffic", Device.objects.get(code=GATEWAY), readings, source="http")
    inters = list(Intersection.objects.order_by("code"))
    actions.do_raise(kind="incident", method="zscore", key="e2e:insiden", intersection=inters[0],
                     raised_at=bucket, score=5.1, reason="Arus turun tajam dan okupansi naik.")
    call_command("seed_parking", "--count", "20", "--no-accounts", stdout=StringIO())

    dlh = Agency.objects.create(code="dinas-lingkungan-hidup", name="Dinas Lingkungan Hidup", short_name="DLH",
                                city=city)
    dishub = Agency.objects.filter(code="dinas-perhubungan").first() or Agency.objects.create(
        code="dinas-perhubungan", name="Dinas Perhubungan", short_name="Dishub", city=city)
    sampah = Category.objects.create(code="sampah", name="Sampah tidak diangkut")
    jalan = Category.objects.create(code="jalan-rusak", name="Jalan rusak")
    RoutingRule.objects.create(category=sampah, agency=dlh)
    RoutingRule.objects.create(category=jalan, agency=dishub)
    kecamatan = list(Region.objects.filter(level=Level.KECAMATAN, parent=city))
    now = timezone.now()
    rng = random.Random(7)
    rows = []
    for n in range(120):
        base = inters[n % len(inters)]
        created = now - timedelta(hours=rng.uniform(0.5, 24 * 9))
        status = rng.choice(["baru", "disposisi", "diproses", "diproses", "selesai", "tuntas"])
        overdue = rng.random() < 0.25
        rows.append(Complaint(
            tracking_no=f"UJI-2026-{n + 1:06d}", title=f"Aduan uji {n + 1}", description="Aduan uji ruang kendali.",
            category=sampah if n % 3 else jalan, agency=dlh if n % 3 else dishub, status=status,
            lat=base.lat + rng.uniform(-0.01, 0.01), lon=base.lon + rng.uniform(-0.01, 0.01),
            kecamatan=kecamatan[n % len(kecamatan)] if kecamatan else None, created_at=created,
            stage_due_at=now - timedelta(hours=5) if overdue else now + timedelta(days=2),
            sla_level=100 if overdue else rng.choice([0, 0, 50, 80]),
            resolve_due_at=created + timedelta(days=10), rating=rng.choice([3, 4, 5]) if status == "tuntas" else None))
    Complaint.objects.bulk_create(rows)
    events = []
    for c in Complaint.objects.all():
        events.append(ComplaintEvent(complaint=c, kind="created", at=c.created_at, to_status="baru"))
        if c.status == "tuntas":
            events.append(ComplaintEvent(complaint=c, kind="resolved", at=c.created_at + timedelta(hours=3),
                                         from_status="diproses", to_status="selesai"))
            events.append(ComplaintEvent(complaint=c, kind="rated", at=c.created_at + timedelta(hours=5),
                                         from_status="tuntas", to_status="tuntas"))
    ComplaintEvent.objects.bulk_create(events)
    for c in Complaint.objects.order_by("-created_at")[:6]:
        Event.objects.create(topic="complaint.created", payload={"id": c.pk})
    for c in Complaint.objects.filter(sla_level=100).order_by("pk")[:2]:
        Event.objects.create(topic="complaint.sla", payload={"id": c.pk, "sla_level": 100, "escalation_level": 1})

    points = list(ParkingPoint.objects.all())
    jukir = Jukir.objects.first()
    start = timezone.localtime(now).replace(hour=7, minute=0, second=0, microsecond=0)
    txs = []
    for i, p in enumerate(points):
        for k in range(25):
            paid = start + timedelta(minutes=rng.uniform(0, max(1, (now - start).total_seconds() / 60)))
            for when, tag in ((paid, "t"), (paid - timedelta(days=7), "w")):
                txs.append(ParkingTransaction(reference=f"e2e-{tag}-{i}-{k}", channel="webhook", origin="e2e",
                                              point=p, jukir=jukir, operator=p.operator, vehicle_class="motor",
                                              method="qris_dinamis", amount=3000, paid_at=when))
        OccupancyReading.objects.create(point=p, start=now - timedelta(minutes=10), seconds=300,
                                        occupied=rng.randint(2, 20), total=20)
    ParkingTransaction.objects.bulk_create(txs)
    leakage.do_assess_leakage(timezone.localdate() - timedelta(days=1))
    cache.clear()
    oscar = User.objects.create_user(username="oscar", password=PASSWORD, role=Role.OPERATOR,
                                     first_name="Oscar", last_name="Manurung")
    kepala = User.objects.create_user(username="kepala_dlh", password=PASSWORD, role=Role.PENGHUBUNG, agency=dlh,
                                      first_name="Kepala", last_name="DLH")
    return {"city": city, "dlh": dlh, "sampah": sampah, "oscar": oscar, "kepala": kepala, "inters": inters}


@pytest.fixture
def live_room(settings: Any) -> Any:
    settings.EVENT_STREAM_MAX_SECONDS = 1
    settings.EVENT_STREAM_POLL_SECONDS = 0.2
    return seed_room()


@pytest.mark.django_db(transaction=True)
def test_operator_sees_a_new_complaint_arrive_without_reload_and_the_head_of_dlh_sees_only_dlh(
        page: Any, browser: Any, browser_context_args: dict[str, Any], live_server: Any, live_room: Any,
        login: Callable[..., None], screenshot: Callable[[Any, str], Path]) -> None:
    from kotacerdas.complaints import actions

    errors = page_errors(page)
    page.add_init_script(CAPTURE_LEAFLET_MAPS)
    page.set_viewport_size({"width": 1440, "height": 1000})
    login(page, live_server, "oscar")
    page.goto(live_server.url + "/pusat-komando/")
    expect(page.get_by_role("heading", name="Ruang kendali")).to_be_visible()
    wait_for_map(page, "#cc-map")
    page.wait_for_function("() => document.getElementById('cc-map').dataset.complaintCount !== undefined")
    before = int(page.locator("#cc-map").get_attribute("data-complaint-count"))
    assert before > 0
    # Four layers to toggle for the operator, each a checkbox of Leaflet's layer control.
    expect(page.locator("#cc-map .leaflet-control-layers-overlays input")).to_have_count(4)
    expect(page.locator("#cc-map .kc-cc-parking")).to_have_count(20)
    expect(page.locator("#cc-map .kc-cc-alarm")).to_have_count(1)
    expect(page.locator("#cc-live")).to_have_text("Langsung", timeout=10_000)
    page.evaluate("() => { window.__kcNoReload = true; }")
    screenshot(page, "command-center-room")

    lat, lon = live_room["inters"][3].lat + 0.02, live_room["inters"][3].lon + 0.02
    complaint = actions.submit({"title": "Tumpukan sampah di simpang", "category": "sampah", "lat": lat, "lon": lon,
                                "description": "Sampah menumpuk sejak pagi dan mulai menutup badan jalan.",
                                "reporter_name": "Budi Santoso", "reporter_phone": "081298765432"}, None)

    feed = page.locator("#cc-feed")
    expect(feed).to_contain_text(complaint.tracking_no, timeout=15_000)
    expect(page.locator("#cc-map")).to_have_attribute("data-complaint-count", str(before + 1), timeout=15_000)
    expect(page.locator(f"#cc-feed [data-event-id] >> text={complaint.tracking_no}")).to_be_visible()
    expect(page.locator('[data-tile="complaints_today"] [data-value]')).not_to_have_text("0")
    assert page.evaluate("() => window.__kcNoReload === true")  # the same page, never reloaded
    assert "081298765432" not in page.content()

    # On the map, zoomed in, the new case is a dot of its own; a click opens its popup, the link the case.
    page.evaluate("([lat, lon]) => window.__kcTestMaps[0].setView([lat, lon], 18, {animate: false})", [lat, lon])
    dot = page.locator("#cc-map path.kc-cc-complaint")
    expect(dot.first).to_be_visible(timeout=10_000)
    dot.first.click()
    popup = page.locator("#cc-map .leaflet-popup-content")
    expect(popup).to_contain_text(complaint.tracking_no)
    popup.get_by_role("link", name="Buka aduan").click()
    page.wait_for_url(f"**/staf/aduan/{complaint.pk}/")
    assert errors == []

    # The head of DLH: only the complaint layer, only DLH's cases, no traffic or parking tiles.
    with persona_page(browser, browser_context_args) as kepala:
        login(kepala, live_server, "kepala_dlh")
        kepala.goto(live_server.url + "/pusat-komando/")
        wait_for_map(kepala, "#cc-map")
        expect(kepala.locator("#cc-map .leaflet-control-layers-overlays input")).to_have_count(1)
        expect(kepala.locator('[data-tile="traffic_los"]')).to_have_count(0)
        expect(kepala.locator('[data-tile="parking_revenue"]')).to_have_count(0)
        # The new case is not DLH's yet (the admin koordinator has not dispositioned it): not in DLH's room.
        expect(kepala.locator("#cc-feed")).not_to_contain_text(complaint.tracking_no)
        from kotacerdas.complaints.models import OPEN_STATUSES, Complaint

        dlh_open = Complaint.objects.filter(agency=live_room["dlh"], status__in=OPEN_STATUSES).count()
        kepala.wait_for_function("() => document.getElementById('cc-map').dataset.complaintCount !== undefined")
        kepala.evaluate("() => window.__kcTestMaps[0].setZoom(10, {animate: false})")
        expect(kepala.locator("#cc-map")).to_have_attribute("data-complaint-count", str(dlh_open))


@pytest.mark.django_db(transaction=True)
def test_the_wall_view_fills_a_1920_by_1080_screen_without_scrolling(
        page: Any, live_server: Any, live_room: Any, login: Callable[..., None],
        screenshot: Callable[[Any, str], Path]) -> None:
    errors = page_errors(page)
    page.add_init_script(CAPTURE_LEAFLET_MAPS)
    page.set_viewport_size({"width": 1920, "height": 1080})
    login(page, live_server, "oscar")
    page.goto(live_server.url + "/pusat-komando/dinding/")
    wait_for_map(page, "#cc-map")
    expect(page.locator(".kc-cc-tile")).to_have_count(8)
    expect(page.locator("#cc-map .kc-cc-parking")).to_have_count(20)
    expect(page.locator("#cc-feed [data-event-id]").first).to_be_visible()
    expect(page.locator("#cc-live")).to_have_text("Langsung", timeout=10_000)
    size = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size == [1920, 1080], size
    # Every tile is wholly on screen, and big enough to read across a room.
    for box in page.locator(".kc-cc-tile").evaluate_all("els => els.map(e => e.getBoundingClientRect().toJSON())"):
        assert box["bottom"] <= 1080 and box["right"] <= 1920, box
    font = page.locator(".kc-cc-tile-value").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert font >= 40, font
    page.wait_for_timeout(500)
    screenshot(page, "command-center-wall")
    assert errors == []
