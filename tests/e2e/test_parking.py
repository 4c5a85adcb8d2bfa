"""E-parking in a browser: a Dishub manager reads the parking map, opens a point and revokes its jukir; a jukir
records payments on a phone and meets the refusals; a manager uploads the aggregator's settlement file.

The data is Medan's real regions with a small registry on real streets (Kesawan, Zainul Arifin, Setia Budi...),
four days of payments and occupancy through the platform's own paths (actions.record_payment, the sensor pipeline)
and leakage assessed by leakage.do_assess_leakage, so the map's colours come from the real model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.e2e.helpers import CAPTURE_LEAFLET_MAPS, click_map_at, page_errors, persona_page, wait_for_map

NMID_CITY = "ID1021000000001"
NMID_MITRA = "ID1021000000101"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

KESAWAN = "Jalan Ahmad Yani (Kawasan Kesawan)"
# (code, name, street, lat, lon, operator, e-parking, sensor arrivals per open hour, share of them paid)
POINTS = [
    ("KSW-01", "Kesawan depan Tjong A Fie", KESAWAN, 3.5892, 98.6795, "mitra", True, 4, 1.0),
    ("KSW-02", "Kesawan simpang Jl. Palang Merah", KESAWAN, 3.5873, 98.6800, "mitra", True, 4, 0.3),
    ("ZA-01", "Zainul Arifin depan Sun Plaza", "Jalan Zainul Arifin", 3.5838, 98.6720, "mitra", True, 3, 0.9),
    ("SB-01", "Setia Budi simpang Dr Mansyur", "Jalan Setia Budi", 3.5655, 98.6330, "kota", True, 3, 1.0),
    ("IB-01", "Irian Barat depan Stasiun", "Jalan Irian Barat", 3.5910, 98.6850, "kota", True, 2, 0.6),
    ("BK-01", "Balai Kota", "Jalan Balai Kota", 3.5935, 98.6770, "kota", False, 2, 1.0),
]


@dataclass
class Scene:
    manager: Any
    jukir_user: Any
    jukir: Any
    leaky: Any
    provider: Any
    today: date


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed_parking(*, history_days: int = 4) -> Scene:
    """Medan regions, a Dishub manager, a small registry, history through the real paths, leakage assessed."""
    from kotacerdas.accounts.models import Role, User
    from kotacerdas.agencies.models import Agency
    from kotacerdas.parking import actions, leakage, selectors
    from kotacerdas.parking.models import (
        Jukir,
        MerchantAccount,
        OperatorKind,
        ParkingOperator,
        PaymentProvider,
        PointCapacity,
        RoadSegment,
        Tariff,
        TariffSchedule,
    )
    from kotacerdas.regions.loader import setup_region
    from kotacerdas.sensors.actions import do_ingest
    from kotacerdas.sensors.models import Device

    city = setup_region("12.71")
    dishub = Agency.objects.create(code="dinas-perhubungan", name="Dinas Perhubungan", short_name="Dishub",
                                   city=city)
    manager = User.objects.create_user(username="hendra", password=PASSWORD, role=Role.PENGHUBUNG, agency=dishub,
                                       first_name="Hendra", last_name="Tarigan")
    schedule = TariffSchedule.objects.create(name="Perda 1/2024", regulation="Perda Kota Medan No. 1 Tahun 2024",
                                             valid_from=date(2024, 1, 4))
    for cls, amount in (("motor", 3000), ("mobil", 5000), ("pickup", None), ("truk_mini", None),
                        ("truk_besar", None)):
        Tariff.objects.create(schedule=schedule, vehicle_class=cls, amount=amount)
    operators = {
        "kota": ParkingOperator.objects.create(code="dishub", name="Dishub Kota Medan", kind=OperatorKind.CITY),
        "mitra": ParkingOperator.objects.create(code="mitra-kesawan", name="PT Mitra Kesawan",
                                                operator_share_percent=60),
    }
    MerchantAccount.objects.create(merchant_id=NMID_CITY, label="Kas daerah")
    MerchantAccount.objects.create(merchant_id=NMID_MITRA, label="PT Mitra Kesawan", operator=operators["mitra"])
    provider = PaymentProvider.objects.create(code="agg", name="Agregator QRIS", webhook_secret="rahasia-e2e")
    gateway = Device.objects.create(code="parkir-gw", kind="parking", is_gateway=True)
    today = selectors.local_day(timezone.now())

    segments: dict[str, Any] = {}
    points, jukir = [], []
    for n, (code, name, street, lat, lon, op, eparking, arrivals, paid) in enumerate(POINTS, 1):
        segment = segments.get(street) or RoadSegment.objects.create(
            code=f"ruas-{len(segments) + 1}", street=street, road_class=1)
        segments[street] = segment
        point = actions.do_save_point(
            None, code=code, name=name, segment=segment, operator=operators[op], lat=lat, lon=lon, approximate=True,
            is_eparking=eparking, eparking_since=date(2021, 10, 18) if eparking else None, daily_target=60000,
            opens_at=time(7), closes_at=time(22), device=gateway)
        PointCapacity.objects.create(point=point, vehicle_class="motor", spaces=20)
        PointCapacity.objects.create(point=point, vehicle_class="mobil", spaces=6)
        user = None
        if code == "KSW-02":
            user = User.objects.create_user(username="joko", password=PASSWORD, role=Role.JUKIR, first_name="Joko",
                                            last_name="Sitepu")
        j = actions.do_create_jukir(None, code=f"JKR-{n:03d}", name=f"Jukir {name.split()[0]} {n}",
                                    operator=operators[op], user=user, nik="1271010101990001",
                                    phone="081298765432")
        actions.do_assign(None, j, point, shift_start=time(7), shift_end=time(22),
                          valid_from=today - timedelta(days=30))
        points.append((point, arrivals, paid))
        jukir.append(j)

    # History: hourly occupancy with arrivals through the sensor pipeline, and the paid share of those arrivals as
    # webhook payments. KSW-02's jukir lets 70% go unpaid: the leak the map and the audit list must show.
    for back in range(history_days, -1, -1):
        day = today - timedelta(days=back)
        last_hour = 22 if back else min(22, timezone.localtime().hour)
        lines = []
        for (point, arrivals, paid), j in zip(points, jukir, strict=True):
            for hour in range(7, last_hour):
                start = _local(day, hour)
                lines.append({"p": point.code, "t": start.isoformat(), "s": 3600, "occ": 12 if hour % 3 else 17,
                              "tot": 26, "arr": arrivals})
                for k in range(round(arrivals * paid)):
                    actions.record_payment(
                        channel="webhook", origin=provider.code, reference=f"QR-{point.code}-{day:%m%d}-{hour}-{k}",
                        point=point, jukir=j, vehicle_class="motor", method="qris_dinamis", amount=3000,
                        paid_at=start + timedelta(minutes=7 + 13 * k), provider=provider,
                        merchant_id=NMID_MITRA if point.operator.code == "mitra-kesawan" else NMID_CITY)
        # Sent as the gateway would have sent them that evening (the pipeline refuses data older than 24 hours).
        result = do_ingest("parking", gateway, lines, source="http", now=_local(day, 23) if back else None)
        assert result.rejected == 0, result
        if back:
            leakage.do_assess_leakage(day)
    # The live occupancy on the map: the last complete quarter hour.
    now = timezone.now().replace(second=0, microsecond=0)
    quarter = now - timedelta(minutes=now.minute % 15 + 15)
    live = [{"p": p.code, "t": quarter.isoformat(), "s": 900, "occ": occ, "tot": 26}
            for (p, _a, _s), occ in zip(points, (25, 20, 8, 3, 14, 24), strict=True)]
    assert do_ingest("parking", gateway, live, source="http").rejected == 0
    return Scene(manager, Jukir.objects.get(user__username="joko").user, Jukir.objects.get(user__username="joko"),
                 points[1][0], provider, today)


@pytest.mark.django_db(transaction=True)
def test_a_dishub_manager_reads_the_parking_map_opens_a_leaking_point_and_revokes_its_jukir(
        page: Any, live_server: Any, login: Callable[..., None], screenshot: Callable[[Any, str], Path]) -> None:
    from kotacerdas.core.models import AuditLog
    from kotacerdas.parking.models import JukirStatus

    scene = seed_parking()
    errors = page_errors(page)
    page.add_init_script(CAPTURE_LEAFLET_MAPS)
    page.set_viewport_size({"width": 1360, "height": 900})
    login(page, live_server, "hendra")
    page.goto(live_server.url + "/parkir/")
    expect(page.get_by_role("heading", name="Dasbor e-parking")).to_be_visible()
    wait_for_map(page, "#parking-map")
    markers = page.locator("#parking-map path.kc-parking-marker")
    expect(markers).to_have_count(len(POINTS))
    fills = page.eval_on_selector_all("#parking-map path.kc-parking-marker",
                                      "ps => ps.map(p => p.getAttribute('fill'))")
    assert set(fills) - {"#9aa0ac"}, fills  # occupancy colours, not all "no data"
    expect(page.locator("#parking-updated")).to_contain_text(f"{len(POINTS)} titik")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-revenue'))")
    expect(page.locator("#top-leaks")).to_contain_text(scene.leaky.name)
    screenshot(page, "parking-dashboard-occupancy")

    page.locator("label[for=mode-leakage]").click()
    expect(page.locator("#parking-map .kc-legend")).to_have_attribute("data-mode", "leakage")
    leak_fills = page.eval_on_selector_all("#parking-map path.kc-parking-marker",
                                           "ps => ps.map(p => p.getAttribute('fill'))")
    assert "#d63939" in leak_fills and leak_fills != fills, leak_fills
    screenshot(page, "parking-dashboard-leakage")

    # The leaking point from the map: its popup links to the point page.
    click_map_at(page, "#parking-map", scene.leaky.lat, scene.leaky.lon)
    popup = page.locator("#parking-map .leaflet-popup-content")
    expect(popup).to_contain_text(scene.leaky.name)
    wait_for_map(page, "#parking-map")  # the popup pans the map into view first
    screenshot(page, "parking-dashboard-popup")
    with page.expect_navigation(url=f"**/parkir/titik/{scene.leaky.code}/"):
        popup.get_by_role("link", name="Buka titik").click()
    expect(page.get_by_role("heading", name=scene.leaky.name)).to_be_visible()
    for chart in ("chart-point-revenue", "chart-point-occupancy"):
        page.wait_for_function("(id) => window.Chart && Chart.getChart(document.getElementById(id))", arg=chart)
    expect(page.locator("#point-tariffs")).to_contain_text("Rp3.000")
    expect(page.locator("#point-leakage")).to_contain_text("menyala")
    expect(page.locator("#point-jukir")).to_contain_text(scene.jukir.name)
    body = page.content()
    assert "1271010101990001" not in body and "081298765432" not in body
    screenshot(page, "parking-point")

    page.locator("#point-jukir").get_by_role("link", name=scene.jukir.name).first.click()
    page.wait_for_url(f"**/parkir/jukir/{scene.jukir.code}/")
    expect(page.locator("#jukir-card img")).to_be_visible()
    page.wait_for_function("() => { const i = document.querySelector('#jukir-card img'); "
                           "return i.complete && i.naturalWidth > 0; }")
    form = page.locator("#jukir-status-form")
    form.locator("select[name=status]").select_option("dicabut")
    form.get_by_role("button", name="Simpan status").click()  # no reason: the server refuses in Indonesian
    expect(form.locator("#id_reason_error")).to_contain_text("Tuliskan alasan perubahan status.")
    form.locator("textarea[name=reason]").fill("70% kendaraan tidak membayar; diduga menerima tunai.")
    form.get_by_role("button", name="Simpan status").click()
    expect(page.locator("#jukir-status-badge")).to_have_text("Dicabut")
    expect(page.locator("#kc-messages")).to_contain_text("sekarang: Dicabut")
    scene.jukir.refresh_from_db()
    assert scene.jukir.status == JukirStatus.REVOKED
    assert AuditLog.objects.filter(action="parking.jukir_status").exists()
    screenshot(page, "parking-jukir-revoked")

    page.goto(live_server.url + "/parkir/audit/")
    first = page.locator("#audit-table tbody tr").first
    expect(first).to_have_attribute("data-point", scene.leaky.code)
    first.locator("summary").click()
    expect(first.locator("details p")).to_contain_text("Perkiraan kebocoran")
    screenshot(page, "parking-audit")

    page.goto(live_server.url + "/parkir/pendapatan/?by=operator")
    expect(page.locator("#revenue-table tbody")).to_contain_text("PT Mitra Kesawan")
    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "parking-revenue")
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_a_jukir_records_payments_on_a_phone_and_sees_cash_and_a_revoked_card_refused(
        browser: Any, browser_context_args: dict[str, Any], live_server: Any, login: Callable[..., None],
        screenshot: Callable[[Any, str], Path]) -> None:
    from kotacerdas.parking import actions
    from kotacerdas.parking.models import ParkingTransaction, ParkingViolation, ViolationKind

    scene = seed_parking(history_days=0)
    with persona_page(browser, {**browser_context_args, **PHONE}) as page:
        errors = page_errors(page)
        login(page, live_server, "joko")
        page.goto(live_server.url + "/parkir/")
        page.wait_for_url("**/parkir/catat/")
        expect(page.get_by_role("heading", name="Catat pembayaran parkir")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

        page.get_by_role("button", name="Mulai bertugas").click()
        expect(page.locator("#duty-point")).to_contain_text(scene.leaky.name)
        expect(page.locator("#duty-card")).to_contain_text("Tunai ditolak")
        before = ParkingTransaction.objects.filter(jukir=scene.jukir).count()

        page.locator("label[for=vc-motor]").click()
        page.locator("label[for=m-qris_dinamis]").click()
        expect(page.locator("#payment-submit")).to_have_text("Catat pembayaran Rp3.000")
        page.locator("#payment-submit").click()
        outcome = page.locator("#payment-outcome")
        expect(outcome).to_have_attribute("data-outcome", "accepted")
        expect(outcome).to_contain_text("Pembayaran tercatat")
        assert ParkingTransaction.objects.filter(jukir=scene.jukir).count() == before + 1
        screenshot(page, "parking-mobile-accepted")

        page.locator("label[for=vc-mobil]").click()
        page.locator("label[for=m-tunai]").click()
        page.locator("#payment-submit").click()
        expect(outcome).to_have_attribute("data-outcome", "refused")
        expect(outcome).to_contain_text("DITOLAK")
        expect(outcome).to_contain_text("Pembayaran tunai tidak diterima di titik e-parking")
        assert ParkingViolation.objects.filter(jukir=scene.jukir, kind=ViolationKind.CASH_AT_EPARKING).exists()
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, "parking-mobile-cash-refused")

        actions.do_set_jukir_status(scene.manager, scene.jukir, "dicabut", "Menerima tunai di titik e-parking.")
        page.reload()
        expect(page.locator("#jukir-blocked")).to_contain_text("Kartu jukir Anda tidak aktif")
        page.locator("#payment-form select[name=point]").select_option(scene.leaky.code)
        page.locator("label[for=vc-motor]").click()
        page.locator("label[for=m-qris_dinamis]").click()
        page.locator("#payment-submit").click()
        expect(outcome).to_have_attribute("data-violation", "jukir_dicabut")
        expect(outcome).to_contain_text("Kartu jukir Anda dicabut atau dibekukan")
        assert ParkingTransaction.objects.filter(jukir=scene.jukir).count() == before + 1
        screenshot(page, "parking-mobile-revoked")
        assert errors == []

    # The manager reviews the cash refusal from the violation list.
    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "hendra")
        page.goto(live_server.url + "/parkir/pelanggaran/?kind=tunai_eparking")
        cash = ParkingViolation.objects.get(jukir=scene.jukir, kind=ViolationKind.CASH_AT_EPARKING)
        item = page.locator(f"#violation-{cash.pk}")
        expect(item).to_contain_text("Tunai di titik e-parking")
        item.locator("select[name=status]").select_option("ditinjau")
        item.locator("input[name=note]").fill("Jukir sudah dicabut kartunya.")
        item.get_by_role("button", name="Simpan tinjauan").click()
        expect(page.locator(f"#violation-{cash.pk}")).to_have_attribute("data-status", "ditinjau")
        expect(page.locator(f"#violation-{cash.pk}")).to_contain_text("Jukir sudah dicabut kartunya.")
        screenshot(page, "parking-violations")


@pytest.mark.django_db(transaction=True)
def test_a_manager_uploads_a_settlement_file_and_sees_what_did_not_match(
        page: Any, live_server: Any, login: Callable[..., None], screenshot: Callable[[Any, str], Path],
        tmp_path: Path) -> None:
    from kotacerdas.parking import selectors
    from kotacerdas.parking.models import ParkingTransaction, SettlementFile

    scene = seed_parking(history_days=1)
    day = scene.today - timedelta(days=1)
    lo, hi = selectors.day_bounds(day)
    txs = list(ParkingTransaction.objects.filter(provider=scene.provider, paid_at__gte=lo, paid_at__lt=hi)
               .order_by("paid_at"))
    settled, missing = txs[:-3], txs[-3:]
    lines = ["reference,merchant_id,amount,fee,paid_at,settlement_date"]
    lines += [f"{t.reference},{t.merchant_id},{t.amount},21,{t.paid_at.isoformat()},{day}" for t in settled]
    lines.append(f"QR-TIDAK-DIKENAL,{NMID_CITY},3000,21,{_local(day, 12).isoformat()},{day}")
    csv_path = tmp_path / f"settlement-agg-{day}.csv"
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    errors = page_errors(page)
    login(page, live_server, "hendra")
    page.goto(live_server.url + "/parkir/rekonsiliasi/")
    form = page.locator("#settlement-upload")
    form.get_by_role("button", name="Impor dan cocokkan").click()  # nothing chosen
    expect(form).to_contain_text("Pilih penyedia pembayaran.")
    expect(form).to_contain_text("Pilih berkas CSV settlement.")
    form.locator("select[name=provider]").select_option("agg")
    form.locator("input[name=file]").set_input_files(str(csv_path))
    form.get_by_role("button", name="Impor dan cocokkan").click()
    page.wait_for_url("**/parkir/rekonsiliasi/*/")
    expect(page.locator("#lines-matched")).to_have_text(str(len(settled)))
    expect(page.locator("#lines-unmatched")).to_have_text("1")
    expect(page.locator("#unmatched-lines")).to_contain_text("QR-TIDAK-DIKENAL")
    for t in missing:
        expect(page.locator("#unmatched-transactions")).to_contain_text(t.reference)
    screenshot(page, "parking-settlement")

    # The same file again: nothing is counted twice.
    page.goto(live_server.url + "/parkir/rekonsiliasi/")
    form.locator("select[name=provider]").select_option("agg")
    form.locator("input[name=file]").set_input_files(str(csv_path))
    form.get_by_role("button", name="Impor dan cocokkan").click()
    page.wait_for_url("**/parkir/rekonsiliasi/*/")
    assert SettlementFile.objects.count() == 1
    page.goto(live_server.url + "/parkir/rekonsiliasi/")
    expect(page.locator("#settlement-files tbody tr")).to_have_count(1)
    screenshot(page, "parking-reconciliation")
    assert errors == []
