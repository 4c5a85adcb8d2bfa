"""The live room's pages, fragments, map layers and feed: who may open them, what each reader sees, bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from kotacerdas.command_center import live
from kotacerdas.command_center.tests.live_fixtures import *  # noqa: F403 - the shared fixtures
from kotacerdas.command_center.tests.live_fixtures import make_complaint
from kotacerdas.core.models import Event


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


PAGES = ["command_center:room", "command_center:wall", "command_center:room-tiles", "command_center:room-feed"]
API = ["command-center-tiles", "command-center-feed", "command-center-map-complaints",
       "command-center-map-intersections", "command-center-map-parking", "command-center-map-alarms"]


def test_it_lets_only_command_center_staff_into_the_room(client: Any, people: Any) -> None:
    allowed = {"oscar": 200, "adi": 200, "walikota": 200, "camat": 200, "kepala_dlh": 200, "root": 200,
               "putra": 403, "wati": 403}
    for who, status in allowed.items():
        client.force_login(getattr(people, who))
        for name in [*PAGES, *API]:
            assert client.get(reverse(name)).status_code == status, (who, name)


def test_it_sends_anonymous_visitors_to_the_login_page_and_refuses_them_the_api(client: Any, city: Any) -> None:
    response = client.get(reverse("command_center:room"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.get(reverse("command-center-tiles")).status_code in (401, 403)


def test_it_renders_the_desktop_room_and_the_wall_with_tiles_map_and_feed(client: Any, people: Any,
                                                                          week_of_complaints: Any) -> None:
    client.force_login(people.oscar)
    html = client.get(reverse("command_center:room")).content.decode()
    for text in ('id="cc-map"', 'id="cc-tiles"', 'id="cc-feed"', "Aduan hari ini", "Aduan terbuka",
                 "Lewat tenggat", "Selesai tepat waktu", "Rata-rata penilaian", "Simpang per LOS", "Insiden aktif",
                 "Pendapatan parkir hari ini", "topics=complaint,traffic.alarm,parking.leakage",
                 reverse("command-center-map-parking")):
        assert text in html, text
    wall = client.get(reverse("command_center:wall")).content.decode()
    assert 'data-bs-theme="dark"' in wall and "kc-cc-wall" in wall and 'data-wall="1"' in wall
    assert "kc-navbar" not in wall  # nothing but the room on the wall


def test_it_leaves_out_the_layers_and_tiles_a_reader_may_not_see(client: Any, people: Any, city: Any) -> None:
    client.force_login(people.kepala_dlh)
    html = client.get(reverse("command_center:room")).content.decode()
    assert "Insiden aktif" not in html and "Pendapatan parkir" not in html
    assert reverse("command-center-map-parking") not in html
    assert client.get(reverse("command-center-map-intersections")).json()["features"] == []
    assert client.get(reverse("command-center-map-parking")).json()["features"] == []


def test_it_clusters_open_complaints_by_grid_cell_with_the_worst_sla_colour(client: Any, people: Any,
                                                                             city: Any) -> None:
    now = timezone.now()
    a = make_complaint(city, now - timedelta(hours=3), "diproses", stage_due_at=now - timedelta(hours=1))
    make_complaint(city, now - timedelta(hours=2), "baru", stage_due_at=now + timedelta(days=2),
                   pos=(city.inside[0] + 0.0005, city.inside[1] + 0.0005))
    make_complaint(city, now - timedelta(hours=2), "tuntas", pos=city.inside)  # closed: not on the map
    lone = make_complaint(city, now - timedelta(hours=1), "disposisi", agency=city.dishub, sla_level=80,
                          stage_due_at=now + timedelta(days=1), pos=city.inside_baru, kecamatan=city.kec_baru,
                          kelurahan=city.kel_babura)
    client.force_login(people.oscar)
    far = client.get(reverse("command-center-map-complaints"), {"zoom": 12}).json()
    cells = sorted(far["features"], key=lambda f: -f["properties"]["n"])
    assert [f["properties"]["n"] for f in cells] == [2, 1]
    assert cells[0]["properties"]["band"] == "lewat" and cells[0]["properties"]["bands"] == [1, 0, 0, 1]
    assert "id" not in cells[0]["properties"]  # a cluster links nowhere: a click zooms in
    single = cells[1]["properties"]
    assert single["id"] == lone.pk and single["band"] == "kritis"
    assert single["url"] == reverse("complaints:case", args=[lone.pk])
    near = client.get(reverse("command-center-map-complaints"), {"zoom": 19}).json()
    assert sorted(f["properties"]["n"] for f in near["features"]) == [1, 1, 1]
    # A bounding box around Medan Baru holds the Dishub case only.
    boxed = client.get(reverse("command-center-map-complaints"),
                       {"zoom": 12, "bbox": "3.56,98.64,3.58,98.66"}).json()
    assert [f["properties"].get("id") for f in boxed["features"]] == [lone.pk]
    # The head of DLH sees only DLH's cases.
    client.force_login(people.kepala_dlh)
    mine = client.get(reverse("command-center-map-complaints"), {"zoom": 19}).json()
    assert {f["properties"]["id"] for f in mine["features"]} == {a.pk, a.pk + 1}


@pytest.mark.parametrize("params,field", [({"zoom": "dekat"}, "zoom"), ({"zoom": "25"}, "zoom"),
                                          ({"bbox": "1,2,3"}, "bbox"), ({"bbox": "4,98,3,99"}, "bbox"),
                                          ({"bbox": "a,b,c,d"}, "bbox")])
def test_it_answers_bad_map_parameters_with_400_naming_the_field(client: Any, people: Any, params: dict,
                                                                  field: str) -> None:
    client.force_login(people.oscar)
    response = client.get(reverse("command-center-map-complaints"), params)
    assert response.status_code == 400
    assert field in response.json()


def test_it_answers_a_bad_feed_limit_with_400(client: Any, people: Any) -> None:
    client.force_login(people.oscar)
    for bad in ("0", "1000", "-1", "x"):
        response = client.get(reverse("command-center-feed"), {"limit": bad})
        assert response.status_code == 400 and "limit" in response.json()


def _events(city: Any, complaints: dict[str, Any], intersection_id: int | None = None) -> None:
    c1, c2 = complaints["c1"], complaints["c2"]
    Event.objects.create(topic="complaint.created", payload={"id": c1.pk, "category": c1.category_id})
    Event.objects.create(topic="parking.payment", payload={"point": "KSW-01", "amount": 3000})
    Event.objects.create(topic="complaint.created", payload={"id": c2.pk, "category": c2.category_id})
    Event.objects.create(topic="complaint.sla", payload={"id": c2.pk, "sla_level": 100, "escalation_level": 0})
    Event.objects.create(topic="complaint.sla", payload={"id": c1.pk, "sla_level": 50, "escalation_level": 0})
    Event.objects.create(topic="complaint.sla", payload={"id": c1.pk, "sla_level": 100, "escalation_level": 1})
    Event.objects.create(topic="traffic.alarm", payload={
        "id": 1, "kind": "incident", "state": "raised", "intersection_id": intersection_id or 0,
        "intersection": "smp-1", "intersection_name": "Simpang Uji", "reason": "Arus turun tajam."})
    Event.objects.create(topic="traffic.alarm", payload={
        "id": 1, "kind": "incident", "state": "cleared", "intersection_id": intersection_id or 0,
        "intersection": "smp-1", "intersection_name": "Simpang Uji"})
    Event.objects.create(topic="parking.leakage.assessed", payload={"day": "2026-11-17", "points": 4, "flagged": 2,
                                                                    "estimated_loss": 250000})
    Event.objects.create(topic="parking.leakage.assessed", payload={"day": "2026-11-16", "points": 4, "flagged": 0,
                                                                    "estimated_loss": 0})


def test_it_builds_the_feed_newest_first_from_the_outbox(people: Any, city: Any, atcs: Any,
                                                         week_of_complaints: Any) -> None:
    _events(city, week_of_complaints, atcs.intersection.pk)
    items = live.feed(people.oscar)
    assert [i.kind for i in items] == ["leakage", "alarm", "escalation", "breach", "new", "new"]
    c1, c2 = week_of_complaints["c1"], week_of_complaints["c2"]
    assert items[2].title == f"Eskalasi tingkat 1: {c1.tracking_no}"
    assert items[3].url == reverse("complaints:case", args=[c2.pk])
    assert items[1].url == reverse("traffic:intersection", args=["smp-1"]) and "Simpang Uji" in items[1].title
    assert items[0].title == "2 titik parkir terindikasi bocor"
    assert len(live.feed(people.oscar, limit=2)) == 2


def test_it_scopes_the_feed_to_what_the_reader_may_see(people: Any, city: Any, atcs: Any,
                                                      week_of_complaints: Any) -> None:
    _events(city, week_of_complaints, atcs.intersection.pk)
    c1 = week_of_complaints["c1"]
    # The head of DLH: DLH's complaint only; no ATCS, no parking audit.
    items = live.feed(people.kepala_dlh)
    assert [(i.kind, i.url) for i in items] == [("escalation", reverse("complaints:case", args=[c1.pk])),
                                                ("new", reverse("complaints:case", args=[c1.pk]))]
    # A camat of Medan Baru sees the Dishub case there; the intersection has no kecamatan, so not theirs.
    camat_baru = type(people.camat).objects.create_user(username="camat_baru", password="x", role="pimpinan",
                                                        region=city.kec_baru)
    assert {i.kind for i in live.feed(camat_baru)} == {"breach", "new"}


def test_it_serves_tiles_and_feed_as_json(client: Any, people: Any, week_of_complaints: Any) -> None:
    Event.objects.create(topic="complaint.created", payload={"id": week_of_complaints["c1"].pk})
    client.force_login(people.oscar)
    tiles = client.get(reverse("command-center-tiles")).json()
    keys = [t["key"] for t in tiles]
    assert keys[:5] == ["complaints_today", "complaints_open", "complaints_overdue", "complaints_on_time",
                        "complaints_rating"]
    assert {"traffic_los", "traffic_incidents", "parking_revenue"} <= set(keys)
    assert set(tiles[0]["trend"]) == {"now", "last_week", "direction", "tone", "percent", "text"}
    [item] = client.get(reverse("command-center-feed")).json()
    assert item["kind"] == "new" and item["url"].endswith(f"/{week_of_complaints['c1'].pk}/")


def test_it_renders_the_fragments_room_js_swaps_in(client: Any, people: Any, week_of_complaints: Any) -> None:
    Event.objects.create(topic="complaint.created", payload={"id": week_of_complaints["c1"].pk})
    client.force_login(people.oscar)
    tiles = client.get(reverse("command_center:room-tiles"), {"dinding": "1"}).content.decode()
    assert "kc-cc-tiles-wall" in tiles and "<html" not in tiles
    feed = client.get(reverse("command_center:room-feed")).content.decode()
    assert week_of_complaints["c1"].tracking_no in feed and "<html" not in feed


def test_it_links_the_room_in_the_navbar_for_room_staff_only(client: Any, people: Any) -> None:
    client.force_login(people.oscar)
    assert reverse("command_center:wall") in client.get("/").content.decode()
    client.force_login(people.putra)
    assert reverse("command_center:wall") not in client.get("/").content.decode()


def test_viewers_refetching_after_the_same_event_share_one_computation_of_the_tiles(
        client: Any, people: Any, settings: Any, monkeypatch: Any) -> None:
    settings.COMMAND_CENTER_FRAGMENT_SHARE_SECONDS = 30
    computed: list[str] = []
    real = live.complaint_tiles

    def counting(user: Any, now: Any, start: Any) -> Any:
        computed.append(user.username)
        return real(user, now, start)

    monkeypatch.setattr(live, "complaint_tiles", counting)
    newest = Event.objects.create(topic="complaint.created", payload={"id": 0}).pk  # what the browser just saw

    def fetch(user: Any, query: str) -> int:
        client.force_login(user)
        return client.get(reverse("command_center:room-tiles") + query).status_code

    assert fetch(people.oscar, f"?e={newest}") == 200
    assert fetch(people.oscar, f"?e={newest}") == 200  # the next viewer: from the cache
    assert computed == ["oscar"]
    assert fetch(people.kepala_dlh, f"?e={newest}") == 200  # another scope: its own tiles
    assert fetch(people.oscar, f"?e={newest + 1}") == 200  # not published yet: computed, not kept
    assert fetch(people.oscar, f"?e={newest + 1}") == 200
    assert fetch(people.oscar, "?e=x%201") == 200  # not a number: computed for this request alone
    assert computed == ["oscar", "kepala_dlh", "oscar", "oscar", "oscar"]


def test_the_feed_fragment_is_shared_the_same_way_but_never_across_languages(
        client: Any, people: Any, settings: Any, monkeypatch: Any) -> None:
    settings.COMMAND_CENTER_FRAGMENT_SHARE_SECONDS = 30
    calls: list[str] = []
    real = live.feed

    def counting(user: Any, **kwargs: Any) -> Any:
        calls.append(user.username)
        return real(user, **kwargs)

    monkeypatch.setattr(live, "feed", counting)
    newest = Event.objects.create(topic="complaint.created", payload={"id": 0}).pk
    client.force_login(people.oscar)
    url = reverse("command_center:room-feed") + f"?e={newest}"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch
    assert client.get(url).status_code == 200
    assert calls == ["oscar", "oscar"]  # once per language
