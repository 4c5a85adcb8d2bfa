"""Open-data discovery, generation, the privacy guard and the three platform generators."""

from __future__ import annotations

import sys
import types
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kotacerdas.openinfo import catalog
from kotacerdas.openinfo.models import Dataset

pytestmark = pytest.mark.django_db


def spec(slug: str = "uji", rows: Any = None, **extra: Any) -> dict[str, Any]:
    return {"slug": slug, "title": "Uji", "description": "", "keywords": ["uji"], "frequency": "daily",
            "publisher": "dinas-kominfo", "temporal": "2026", "spatial": False,
            "fields": [("nama", "string", "Nama"), ("jumlah", "integer", "Jumlah")],
            "rows": rows or (lambda: [{"nama": "Pasar Baru", "jumlah": 3}]), **extra}


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Makes kotacerdas.openinfo.opendata (this app's own slot) return whatever the test sets."""
    module = types.ModuleType("kotacerdas.openinfo.opendata")
    module.specs = [spec()]  # type: ignore[attr-defined]
    module.datasets = lambda: module.specs  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kotacerdas.openinfo.opendata", module)
    return module


def test_it_discovers_apps_with_opendata_and_skips_apps_without(city, fake_app):
    found = catalog.discover()
    slugs = {s.slug for s in found.specs}
    assert {"uji", "statistik-aduan-kelurahan-kategori", "volume-lalu-lintas-simpang-per-jam",
            "pendapatan-parkir-per-titik-harian"} <= slugs
    assert "regions" not in found.errors and "accounts" not in found.errors


def test_it_generates_rows_with_their_time_and_the_publisher(city, fake_app):
    result = catalog.refresh(force=True, only="uji")
    assert result["generated"] == ["uji"]
    ds = Dataset.objects.get(slug="uji")
    assert ds.rows == [{"nama": "Pasar Baru", "jumlah": 3}] and ds.row_count == 1
    assert ds.publisher == city.kominfo and ds.generated_at is not None


def test_it_keeps_the_last_good_version_when_a_generator_raises(city, fake_app):
    catalog.refresh(force=True, only="uji")

    def broken() -> list[dict[str, Any]]:
        raise RuntimeError("database sedang sibuk")

    fake_app.specs = [spec(rows=broken)]
    result = catalog.refresh(force=True, only="uji")
    assert result["failed"] == ["uji"]
    ds = Dataset.objects.get(slug="uji")
    assert ds.rows == [{"nama": "Pasar Baru", "jumlah": 3}] and "database sedang sibuk" in ds.last_error
    assert ds.is_public


def test_it_tolerates_an_app_whose_opendata_module_raises(city, monkeypatch):
    module = types.ModuleType("kotacerdas.openinfo.opendata")

    def datasets() -> list[dict[str, Any]]:
        raise ValueError("rusak")

    module.datasets = datasets  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kotacerdas.openinfo.opendata", module)
    found = catalog.discover()
    assert "rusak" in found.errors["openinfo"]
    assert any(s.slug == "statistik-aduan-kelurahan-kategori" for s in found.specs)


@pytest.mark.parametrize("row", [
    {"nama": "Wati", "jumlah": 1, "nik": "x"},
    {"nama": "hubungi 0812-3456-7890", "jumlah": 1},
    {"nama": "wati@contoh.id", "jumlah": 1},
    {"nama": "1271014101900002", "jumlah": 1},
    {"nama": "Wati", "jumlah": 1271014101900002},
])
def test_it_refuses_to_publish_rows_that_look_like_personal_data(city, fake_app, row):
    fake_app.specs = [spec(rows=lambda: [row])]
    result = catalog.refresh(force=True, only="uji")
    assert result["failed"] == ["uji"]
    ds = Dataset.objects.get(slug="uji")
    assert ds.generated_at is None and ds.rows == []
    assert ds.last_error.startswith("PersonalDataError") and "pribadi" in ds.last_error
    assert not catalog.public_datasets().filter(slug="uji").exists()


def test_it_refreshes_only_what_is_due(city, fake_app):
    catalog.refresh(force=True, only="uji")
    assert catalog.refresh(only="uji")["skipped"] == ["uji"]
    later = timezone.now() + timedelta(days=1, minutes=1)
    assert catalog.refresh(now=later, only="uji")["generated"] == ["uji"]


def test_it_publishes_complaint_statistics_without_rahasia_or_identity(city, people):
    from kotacerdas.complaints.models import Complaint
    from kotacerdas.complaints.opendata import datasets

    def make(n: int, **extra: Any) -> None:
        Complaint.objects.create(tracking_no=f"MRK-2026-{n:06d}", title="Sampah menumpuk", description="x",
                                 category=city.cat_sampah, kelurahan=city.kel_pasar_baru,
                                 kecamatan=city.kec_kota, created_at=timezone.now(), reporter_name="Wati",
                                 reporter_phone="081234567890", **extra)

    make(1)
    make(2)
    make(3, is_rahasia=True)
    (ds,) = datasets()
    rows = ds["rows"]()
    assert len(rows) == 1 and rows[0]["jumlah"] == 2 and rows[0]["kelurahan"] == "Pasar Baru"
    assert rows[0]["dalam_proses"] == 2
    catalog.check_private(ds["slug"], rows, ds["geojson"]())
    assert ds["geojson"]()["features"][0]["properties"]["jumlah"] == 2


def test_it_publishes_the_ppid_register_summary_as_counts(people, request_data):
    from kotacerdas.openinfo import actions
    from kotacerdas.openinfo.opendata import datasets
    from kotacerdas.openinfo.tests.conftest import wib

    actions.do_submit_request(people.wati, request_data, now=wib(2026, 3, 16, 10))
    (ds,) = datasets()
    rows = ds["rows"]()
    assert rows == [{"periode": "2026-03", "permohonan": 1, "dipenuhi": 0, "dipenuhi_sebagian": 0, "ditolak": 0,
                     "tidak_dikuasai": 0, "belum_dijawab": 1, "rata_rata_hari_kerja": None, "keberatan": 0}]
    catalog.check_private(ds["slug"], rows, None)


def test_it_publishes_empty_traffic_and_parking_datasets_on_a_fresh_city(city):
    from kotacerdas.parking.opendata import datasets as parking
    from kotacerdas.traffic.opendata import datasets as traffic

    for (ds,) in (parking(), traffic()):
        assert ds["rows"]() == [] and ds["geojson"]()["type"] == "FeatureCollection"


def test_it_sums_traffic_rollups_per_intersection_and_local_hour(city):
    from kotacerdas.traffic.models import Approach, Detector, Intersection, RollupHour
    from kotacerdas.traffic.opendata import datasets

    simpang = Intersection.objects.create(code="SMP-01", name="Simpang Uji", lat=3.57, lon=98.685)
    north = Approach.objects.create(intersection=simpang, direction="utara", name="Jl. A", width_m=7)
    south = Approach.objects.create(intersection=simpang, direction="selatan", name="Jl. B", width_m=7)
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    for code, approach, motor in (("D-N", north, 30), ("D-S", south, 12)):
        detector = Detector.objects.create(code=code, kind="loop", approach=approach)
        RollupHour.objects.create(detector=detector, bucket_start=hour, vehicles=motor + 5, motor=motor, car=5)
    (ds,) = datasets()
    (row,) = ds["rows"]()
    local = timezone.localtime(hour)
    assert row == {"tanggal": local.date().isoformat(), "jam": local.hour, "kode_simpang": "SMP-01",
                   "simpang": "Simpang Uji", "kendaraan": 52, "sepeda_motor": 42, "kendaraan_ringan": 10,
                   "kendaraan_berat": 0}
    assert ds["geojson"]()["features"][0]["properties"]["kendaraan"] == 52


def test_it_sums_parking_revenue_per_point_and_local_day_without_plates(city):
    from kotacerdas.parking.models import Jukir, ParkingOperator, ParkingPoint, ParkingTransaction, RoadSegment
    from kotacerdas.parking.opendata import datasets

    operator = ParkingOperator.objects.create(code="kota", name="Dishub")
    segment = RoadSegment.objects.create(code="SEG-1", street="Jalan Ahmad Yani")
    point = ParkingPoint.objects.create(code="KSW-01", name="Kesawan", segment=segment, operator=operator,
                                        lat=3.589, lon=98.679)
    jukir = Jukir.objects.create(code="J-001", name="Budi", operator=operator, nik="1271010101900001",
                                 phone="081234567890")
    paid = timezone.now() - timedelta(hours=3)
    for n, amount in enumerate((3000, 5000)):
        ParkingTransaction.objects.create(reference=f"R{n}", channel="handheld", origin="jukir:J-001", point=point,
                                          jukir=jukir, operator=operator, vehicle_class="motor",
                                          method="qris_dinamis", amount=amount, paid_at=paid, plate="BK1234AB")
    (ds,) = datasets()
    (row,) = ds["rows"]()
    assert row == {"tanggal": timezone.localtime(paid).date().isoformat(), "kode_titik": "KSW-01",
                   "titik_parkir": "Kesawan", "ruas_jalan": "Jalan Ahmad Yani", "transaksi": 2, "pendapatan": 8000}
    catalog.check_private(ds["slug"], ds["rows"](), ds["geojson"]())
    assert "BK1234AB" not in str(ds["rows"]()) + str(ds["geojson"]())
