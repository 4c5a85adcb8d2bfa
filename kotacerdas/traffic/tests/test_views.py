"""ATCS screens: who may open them, the map JSON, alarm actions with their audit trail, and the SSE stream."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.test import AsyncClient
from django.urls import include, path, reverse

from kotacerdas.core import sse
from kotacerdas.core.models import AuditLog, Event
from kotacerdas.traffic import actions
from kotacerdas.traffic.models import Alarm, AlarmState
from kotacerdas.traffic.tests.test_engineering import add_plan, five_minutes, ingest

# The SSE view is mounted in kotacerdas/urls.py by the project; these tests mount it themselves.
urlpatterns = [
    path("events/stream", sse.stream, name="event-stream"),
    path("", include("kotacerdas.urls")),
]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def alarm(atcs: Any, city: Any) -> Alarm:
    return actions.do_raise(kind="incident", method="zscore", key="zscore:D1", intersection=atcs.intersection,
                            approach=atcs.north, detector=atcs.loop1, raised_at=atcs.now, score=4.2,
                            reason="Arus turun tajam, okupansi naik.")


@pytest.fixture
def with_data(atcs: Any, city: Any) -> Any:
    """One complete 15-minute bucket on both approaches, as the last complete bucket."""
    add_plan(atcs)
    bucket = atcs.now
    lines = (five_minutes("D1", bucket, 60, 40, 5, 30.0, 20.0) + five_minutes("D2", bucket, 50, 35, 4, 28.0, 18.0)
             + five_minutes("C1", bucket, 70, 30, 3, 25.0, 25.0))
    ingest(atcs, lines, now=bucket + timedelta(minutes=20))
    return bucket


def urls(code: str = "smp-1") -> list[str]:
    return [reverse("traffic:map"), reverse("traffic:map-geojson"), reverse("traffic:alarm-panel"),
            reverse("traffic:intersection", args=[code]), reverse("traffic:alarms")]


@pytest.mark.parametrize("who,status", [("oscar", 200), ("hendra", 200), ("walikota", 200), ("root", 200),
                                        ("wati", 403), ("dewi", 403), ("putra", 403)])
def test_it_lets_only_traffic_staff_open_the_atcs_screens(client: Any, people: Any, atcs: Any, who: str,
                                                           status: int) -> None:
    client.force_login(getattr(people, who))
    for url in urls():
        assert client.get(url).status_code == status, url


def test_it_sends_anonymous_visitors_to_the_login_page(client: Any, atcs: Any) -> None:
    response = client.get(reverse("traffic:map"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_serves_the_map_as_geojson_points_with_los(client: Any, people: Any, atcs: Any, with_data: Any,
                                                      alarm: Alarm, monkeypatch: Any) -> None:
    from kotacerdas.traffic import engineering

    monkeypatch.setattr(engineering, "last_complete_bucket", lambda now=None, resolution="15min": with_data)
    client.force_login(people.oscar)
    data = client.get(reverse("traffic:map-geojson")).json()
    assert data["type"] == "FeatureCollection"
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [98.685, 3.57]}
    props = feature["properties"]
    assert props["code"] == "smp-1" and props["has_data"] is True
    assert props["los"] in list("ABCDEF")
    assert props["open_alarms"] == 1
    assert set(props) >= {"name", "delay_s", "worst_dj", "dj_status", "flow_vph", "bucket_start"}


def test_it_shows_a_camat_only_the_intersections_of_their_kecamatan(client: Any, people: Any, atcs: Any,
                                                                   city: Any) -> None:
    from kotacerdas.traffic.models import Intersection

    atcs.intersection.kecamatan = city.kec_kota
    atcs.intersection.save()
    Intersection.objects.create(code="smp-2", name="Simpang Baru", lat=3.57, lon=98.65, kecamatan=city.kec_baru)
    client.force_login(people.camat)
    codes = [f["properties"]["code"] for f in client.get(reverse("traffic:map-geojson")).json()["features"]]
    assert codes == ["smp-1"]
    assert client.get(reverse("traffic:intersection", args=["smp-2"])).status_code == 404


def test_it_renders_the_map_page_with_summary_and_open_alarms(client: Any, people: Any, alarm: Alarm) -> None:
    client.force_login(people.oscar)
    html = client.get(reverse("traffic:map")).content.decode()
    assert 'id="atcs-map"' in html and reverse("traffic:map-geojson") in html
    assert "/wilayah/kecamatan.geojson" in html
    assert f'id="alarm-{alarm.pk}"' in html and "Terima" in html
    assert "Simpang per LOS" in html


def test_it_hides_alarm_buttons_from_a_pimpinan(client: Any, people: Any, alarm: Alarm) -> None:
    client.force_login(people.walikota)
    html = client.get(reverse("traffic:alarm-panel")).content.decode()
    assert f'id="alarm-{alarm.pk}"' in html
    assert reverse("traffic:acknowledge", args=[alarm.pk]) not in html


def test_it_renders_the_intersection_page_with_table_advice_and_chart_data(
        client: Any, people: Any, atcs: Any, with_data: Any, alarm: Alarm, monkeypatch: Any) -> None:
    from kotacerdas.traffic import engineering

    monkeypatch.setattr(engineering, "last_complete_bucket", lambda now=None, resolution="15min": with_data)
    client.force_login(people.hendra)
    response = client.get(reverse("traffic:intersection", args=["smp-1"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="approach-table"' in html and "Jalan Utara" in html
    assert response.context["advice"] is not None
    assert response.context["advice"].explanation in html
    chart = json.loads(html.split('id="atcs-chart-data" type="application/json">')[1].split("</script>")[0])
    assert len(chart["labels"]) == 96 and len(chart["approaches"]) == 2
    assert chart["approaches"][0]["flow_vph"][-1] is not None
    for key in ("flow_vph", "speed_kmh", "dj"):
        assert f'id="chart-{key}"' in html and f'id="chart-{key}-table"' in html
    assert f'id="alarm-{alarm.pk}"' in html


def test_it_filters_the_alarm_list_by_kind_and_state(client: Any, people: Any, atcs: Any, alarm: Alarm) -> None:
    other = actions.do_raise(kind="detector", method="health", key="health:C1", intersection=atcs.intersection,
                             detector=atcs.camera, raised_at=atcs.now, reason="Detektor diam.")
    actions.do_clear(other, reason="sistem")
    client.force_login(people.oscar)
    listed = client.get(reverse("traffic:alarms")).context["alarms"]
    assert [a.pk for a in listed] == [alarm.pk]  # default: open ones
    listed = client.get(reverse("traffic:alarms"), {"status": "semua", "jenis": "detector"}).context["alarms"]
    assert [a.pk for a in listed] == [other.pk]
    listed = client.get(reverse("traffic:alarms"), {"status": "cleared"}).context["alarms"]
    assert [a.pk for a in listed] == [other.pk]


def test_it_acknowledges_an_alarm_by_htmx_with_an_audit_entry(client: Any, people: Any, alarm: Alarm) -> None:
    client.force_login(people.hendra)
    response = client.post(reverse("traffic:acknowledge", args=[alarm.pk]), {"compact": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="alarm-{alarm.pk}"' in response.content.decode()
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.ACKNOWLEDGED and alarm.acknowledged_by == people.hendra
    log = AuditLog.objects.get(action="traffic.alarm_acknowledged")
    assert log.actor == people.hendra and log.target_id == str(alarm.pk)


def test_it_refuses_a_second_acknowledge_with_a_message(client: Any, people: Any, alarm: Alarm) -> None:
    client.force_login(people.oscar)
    client.post(reverse("traffic:acknowledge", args=[alarm.pk]))
    response = client.post(reverse("traffic:acknowledge", args=[alarm.pk]), HTTP_HX_REQUEST="true")
    assert "sudah diterima" in response.content.decode()
    assert AuditLog.objects.filter(action="traffic.alarm_acknowledged").count() == 1


def test_it_requires_a_reason_to_clear_an_alarm(client: Any, people: Any, alarm: Alarm) -> None:
    client.force_login(people.oscar)
    response = client.post(reverse("traffic:clear", args=[alarm.pk]), {"reason": "  "}, HTTP_HX_REQUEST="true")
    assert "Alasan wajib diisi" in response.content.decode()
    alarm.refresh_from_db()
    assert alarm.is_open

    response = client.post(reverse("traffic:clear", args=[alarm.pk]),
                           {"reason": "Kendaraan mogok sudah ditarik.", "next": reverse("traffic:map")})
    assert response.status_code == 302 and response["Location"] == reverse("traffic:map")
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLEARED and alarm.clear_reason == "Kendaraan mogok sudah ditarik."
    log = AuditLog.objects.get(action="traffic.alarm_cleared")
    assert log.actor == people.oscar and log.data["by"] == "operator"


def test_it_forbids_alarm_actions_to_a_pimpinan_and_other_opd(client: Any, people: Any, alarm: Alarm) -> None:
    for who in (people.walikota, people.dewi):
        client.force_login(who)
        assert client.post(reverse("traffic:acknowledge", args=[alarm.pk])).status_code == 403
        assert client.post(reverse("traffic:clear", args=[alarm.pk]), {"reason": "x"}).status_code == 403
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.RAISED


def test_it_ignores_an_offsite_next_after_an_action(client: Any, people: Any, alarm: Alarm) -> None:
    client.force_login(people.oscar)
    response = client.post(reverse("traffic:acknowledge", args=[alarm.pk]), {"next": "https://jahat.example/"})
    assert response["Location"] == reverse("traffic:alarms")


# --- SSE -----------------------------------------------------------------------------------------------------------


def _collect(gen: Any, n: int) -> list[str]:
    async def run() -> list[str]:
        out = []
        async for chunk in gen:
            out.append(chunk)
            if len(out) >= n:
                break
        await gen.aclose()
        return out

    return async_to_sync(run)()


def test_it_streams_events_after_the_cursor_filtered_by_topic_prefix(db: Any) -> None:
    old = Event.objects.create(topic="traffic.alarm", payload={"id": 1})
    Event.objects.create(topic="complaint.created", payload={"no": "X"})
    new = Event.objects.create(topic="traffic.alarm", payload={"id": 2, "state": "raised"})
    frames = _collect(sse.event_stream(after=old.pk, prefixes=("traffic",), max_seconds=0, poll_seconds=0), 5)
    assert frames[0].startswith("retry: ")
    events = [f for f in frames if f.startswith("id: ")]
    assert len(events) == 1
    head, data = events[0].strip().split("\n")
    assert head == f"id: {new.pk}"
    body = json.loads(data.removeprefix("data: "))
    assert body["topic"] == "traffic.alarm" and body["payload"] == {"id": 2, "state": "raised"}


def test_it_sends_a_keepalive_comment_when_nothing_happens(db: Any) -> None:
    ticks = iter([0.0, 10.0, 20.0, 40.0])  # start, then one clock reading per poll; stops at 40 s ≥ max 30 s
    frames = _collect(sse.event_stream(after=0, prefixes=("traffic",), max_seconds=30, poll_seconds=0,
                                       keepalive_seconds=15, clock=lambda: next(ticks)), 10)
    assert frames == ["retry: 3000\n\n", ": keep-alive\n\n", ": keep-alive\n\n"]


@pytest.mark.urls(__name__)
def test_the_stream_view_serves_new_events_to_staff_from_last_event_id(people: Any, settings: Any) -> None:
    settings.EVENT_STREAM_MAX_SECONDS = 0
    settings.EVENT_STREAM_POLL_SECONDS = 0
    seen = Event.objects.create(topic="traffic.alarm", payload={"id": 1})
    fresh = Event.objects.create(topic="traffic.alarm", payload={"id": 2})

    async def run() -> tuple[Any, str]:
        client = AsyncClient()
        await client.aforce_login(people.oscar)
        response = await client.get("/events/stream?topics=traffic", headers={"Last-Event-ID": str(seen.pk)})
        body = "".join([c.decode() async for c in response.streaming_content])
        return response, body

    response, body = async_to_sync(run)()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    assert f"id: {fresh.pk}\n" in body and f"id: {seen.pk}\n" not in body


@pytest.mark.urls(__name__)
def test_the_stream_view_refuses_warga_and_anonymous(people: Any, client: Any) -> None:
    assert client.get("/events/stream").status_code == 403
    client.force_login(people.wati)
    assert client.get("/events/stream").status_code == 403


def test_an_acknowledge_reaches_the_outbox_for_the_stream(people: Any, alarm: Alarm,
                                                         django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_acknowledge(people.oscar, alarm)
    event = Event.objects.filter(topic="traffic.alarm").last()
    assert event is not None and event.payload["state"] == AlarmState.ACKNOWLEDGED
    frames = _collect(sse.event_stream(after=event.pk - 1, prefixes=("traffic",), max_seconds=0,
                                       poll_seconds=0), 3)
    assert any('"state":"acknowledged"' in f for f in frames)
