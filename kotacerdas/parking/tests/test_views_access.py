"""E-parking screens: who may open which page, role scoping, and that private data never reaches a page.

Built on the root personas (hendra = Dishub penghubung, manages parking; oscar = Command Center operator and
walikota = pimpinan, view only; camat = pimpinan of Medan Kota; wati/dewi = no access) and the app's `parking`
fixture (mitra_staff = staff of Mitra Satu, jukir1 = jukir J-001).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kotacerdas.parking.models import LeakageAssessment, OccupancyReading


def staff_urls(parking: Any) -> list[str]:
    return [reverse("parking:dashboard"), reverse("parking:map-geojson"),
            reverse("parking:point", args=[parking.ksw1.code]), reverse("parking:jukir-list"),
            reverse("parking:jukir", args=[parking.j1.code]), reverse("parking:audit"),
            reverse("parking:revenue"), reverse("parking:violations")]


@pytest.mark.parametrize("who,status", [("hendra", 200), ("oscar", 200), ("walikota", 200), ("root", 200),
                                        ("adi", 200), ("wati", 403), ("dewi", 403), ("putra", 403)])
def test_it_lets_only_parking_viewers_open_the_staff_screens(client: Any, people: Any, parking: Any, who: str,
                                                              status: int) -> None:
    client.force_login(getattr(people, who))
    for url in staff_urls(parking):
        assert client.get(url).status_code == status, url


def test_it_sends_anonymous_visitors_to_the_login_page(client: Any, parking: Any) -> None:
    for url in [*staff_urls(parking), reverse("parking:record")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"]


def test_a_jukir_gets_the_payment_page_instead_of_the_dashboard_and_nothing_else(client: Any,
                                                                                 parking: Any) -> None:
    client.force_login(parking.jukir_user)
    response = client.get(reverse("parking:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("parking:record")
    assert client.get(reverse("parking:record")).status_code == 200
    assert client.get(reverse("parking:history")).status_code == 200
    for url in staff_urls(parking)[1:] + [reverse("parking:reconciliation")]:
        assert client.get(url).status_code == 403, url


def test_staff_cannot_open_the_jukir_payment_page(client: Any, people: Any, parking: Any) -> None:
    client.force_login(people.hendra)
    assert client.get(reverse("parking:record")).status_code == 403
    assert client.post(reverse("parking:duty"), {"action": "selesai"}).status_code == 403


def test_operator_staff_see_only_their_own_points_jukir_and_no_reconciliation(client: Any, parking: Any) -> None:
    client.force_login(parking.mitra_staff)
    codes = {f["properties"]["code"] for f in client.get(reverse("parking:map-geojson")).json()["features"]}
    assert codes == {"KSW-01", "KSW-02"}
    assert client.get(reverse("parking:point", args=["KSW-01"])).status_code == 200
    assert client.get(reverse("parking:point", args=["PSR-01"])).status_code == 404
    assert client.get(reverse("parking:jukir", args=["J-004"])).status_code == 404
    assert client.get(reverse("parking:reconciliation")).status_code == 403
    page = client.get(reverse("parking:jukir-list")).content.decode()
    assert "J-001" in page and "J-004" not in page and "J-005" not in page
    report = client.get(reverse("parking:revenue")).content.decode()
    assert "KSW-01" in report and "PSR-01" not in report


def test_a_camat_sees_the_points_of_the_own_kecamatan_only(client: Any, people: Any, parking: Any) -> None:
    client.force_login(people.camat)  # Medan Kota: KSW-01, KSW-02 (Pasar Baru) and ADN-01 (Pusat Pasar)
    codes = {f["properties"]["code"] for f in client.get(reverse("parking:map-geojson")).json()["features"]}
    assert codes == {"KSW-01", "KSW-02", "ADN-01"}
    assert client.get(reverse("parking:point", args=["PSR-01"])).status_code == 404


def test_the_map_serves_points_with_occupancy_revenue_and_leakage(client: Any, people: Any, parking: Any) -> None:
    now = timezone.now()
    OccupancyReading.objects.create(point=parking.ksw1, start=now - timedelta(minutes=20), seconds=900, occupied=9,
                                    total=12, arrivals=4)
    parking.pay(paid_at=now - timedelta(minutes=5))
    LeakageAssessment.objects.create(
        point=parking.ksw1, day=timezone.localdate() - timedelta(days=1), expected_sessions=100, paid_sessions=40,
        expected_revenue=300000, actual_revenue=120000, estimated_loss=180000, leakage_ratio=0.6, basis="sensor",
        score=0.75, indicators=[])
    client.force_login(people.oscar)
    data = client.get(reverse("parking:map-geojson")).json()
    props = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    ksw1 = props["KSW-01"]
    assert (ksw1["occupied"], ksw1["total"], ksw1["occupancy"]) == (9, 12, 0.75)
    assert ksw1["revenue_today"] == 3000 and ksw1["target"] == 150000
    assert (ksw1["leakage_score"], ksw1["estimated_loss"]) == (0.75, 180000)
    assert props["KSW-02"]["occupancy"] is None and props["KSW-02"]["leakage_score"] is None
    feature = next(f for f in data["features"] if f["properties"]["code"] == "KSW-01")
    assert feature["geometry"] == {"type": "Point", "coordinates": [98.685, 3.57]}


def test_no_nik_phone_or_email_of_a_jukir_reaches_any_page(client: Any, people: Any, parking: Any) -> None:
    j1 = parking.j1
    j1.nik, j1.phone = "1271010101990001", "081298765432"
    j1.save()
    parking.pay(method="tunai", reference="CASH-1")  # a violation with the jukir on it
    secrets = [j1.nik, j1.phone, "0812-9876-5432", parking.jukir_user.email]
    client.force_login(people.hendra)
    urls = [*staff_urls(parking), reverse("parking:violations"), reverse("parking:jukir", args=["J-001"])]
    for url in urls:
        body = client.get(url).content.decode()
        for secret in secrets:
            assert secret not in body, (url, secret)
    client.force_login(parking.jukir_user)
    for url in (reverse("parking:record"), reverse("parking:history")):
        body = client.get(url).content.decode()
        assert j1.nik not in body and j1.phone not in body, url


def test_the_card_qr_is_only_for_managers(client: Any, people: Any, parking: Any) -> None:
    url = reverse("parking:jukir-card", args=["J-001"])
    client.force_login(people.hendra)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
    assert "no-store" in response["Cache-Control"]
    assert url in client.get(reverse("parking:jukir", args=["J-001"])).content.decode()
    for who in (people.oscar, people.walikota, parking.mitra_staff, parking.jukir_user):
        client.force_login(who)
        assert client.get(url).status_code == 403
    client.force_login(people.oscar)
    assert url not in client.get(reverse("parking:jukir", args=["J-001"])).content.decode()
