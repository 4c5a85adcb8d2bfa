"""`manage.py seed_demo`: the demo city, its accounts and complaints lived through the actions."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kotacerdas.accounts.models import Role, User
from kotacerdas.agencies import loader
from kotacerdas.agencies.models import Agency, AgencyKind
from kotacerdas.complaints import routing
from kotacerdas.complaints.models import Category, Complaint, ComplaintEvent, EventKind, Status
from kotacerdas.core.models import Notification, SiteSettings
from kotacerdas.regions.models import Level, Region

ROLE_ACCOUNTS = {
    "warga": Role.WARGA, "admin": Role.ADMIN_KOORDINATOR, "dlh": Role.PENGHUBUNG, "kadlh": Role.PENGHUBUNG,
    "petugas": Role.PETUGAS, "dishub": Role.PENGHUBUNG, "binamarga": Role.PENGHUBUNG, "operator": Role.OPERATOR,
    "walikota": Role.PIMPINAN, "sekda": Role.PIMPINAN, "camat": Role.PIMPINAN, "lurah": Role.PIMPINAN,
    "superadmin": Role.SUPERADMIN,
}


@pytest.fixture
def demo(settings: Any, tmp_path: Any) -> Any:
    settings.DEMO = True
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def seed(*args: str) -> str:
    out = io.StringIO()
    if not any(a.startswith("--parking-days") for a in args):
        args = (*args, "--parking-days", "0")  # the parking history has its own test below
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_builds_the_demo_city_with_cases_in_every_state(db: Any, demo: Any) -> None:
    output = seed("--complaints", "60", "--seed", "3")

    site = SiteSettings.load()
    assert (site.city.code, site.public_name, site.tracking_prefix, site.jurisdiction_id) == (
        "12.71", "Medan Rumah Kita", "MRK", "medan.go.id")
    assert Region.objects.filter(parent=site.city, level=Level.KECAMATAN).count() == 21
    assert Region.objects.filter(parent__parent=site.city, level=Level.KELURAHAN).count() == 151

    with open(loader.MEDAN_OPD_CSV, encoding="utf-8") as fh:
        csv_codes = {row["code"] for row in csv.DictReader(fh)}
    real = Agency.objects.filter(code__in=csv_codes)
    assert real.count() == 15 and not real.filter(is_demo=True).exists()
    assert all("[S" in a.source for a in real)
    assert Agency.objects.filter(is_demo=True, code__in=["satpol-pp", "dinas-kominfo", "pdam-tirtanadi"]).count() == 3
    camat = Agency.objects.filter(kind=AgencyKind.KECAMATAN)
    assert camat.count() == 21 and set(camat.values_list("region__level", flat=True)) == {Level.KECAMATAN}

    categories = Category.objects.all()
    assert 25 <= categories.count() <= 32
    assert all(routing.suggest(c, None) is not None for c in categories)
    belawan = Region.objects.get(code="12.71.08")
    sampah = Category.objects.get(code="sampah")
    assert routing.suggest(sampah, belawan).agency.region == belawan
    assert routing.suggest(sampah, Region.objects.get(code="12.71.01")).agency.code == "dinas-lingkungan-hidup"

    for username, role in ROLE_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.role == role and user.is_demo and user.check_password("demo12345"), username
    assert User.objects.get(username="admin").agency.code == "dinas-kominfo"
    assert Agency.objects.get(code="dinas-lingkungan-hidup").head.username == "kadlh"
    assert User.objects.get(username="camat").region.code == "12.71.01"
    assert User.objects.get(username="lurah").region.code == "12.71.01.1001"
    assert User.objects.get(username="superadmin").is_superuser

    assert Complaint.objects.count() == 60
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses >= {Status.BARU, Status.TUNDA, Status.DISPOSISI, Status.DIPROSES, Status.SELESAI,
                        Status.TUNTAS, Status.TIDAK_TUNTAS, Status.BUKAN_WEWENANG, Status.ARSIP}, statuses
    assert Complaint.objects.filter(is_rahasia=True).exists()
    assert Complaint.objects.filter(escalation_level__gt=0).exists()
    kinds = set(ComplaintEvent.objects.values_list("kind", flat=True))
    assert {EventKind.SLA_BREACH, EventKind.SLA_WARNING, EventKind.ESCALATED, EventKind.REOPENED,
            EventKind.RESOLVED, EventKind.CONFIRMED, EventKind.REROUTED} <= kinds, kinds
    assert Complaint.objects.filter(auto_closed=True).exists()
    assert Complaint.objects.filter(rating__lte=2).exists()
    # Every complaint sits inside the city, and its kelurahan was found from its point.
    assert not Complaint.objects.filter(kelurahan__isnull=True).exists()
    # Replayed through the actions: every case starts with its intake event at its own creation time.
    first = ComplaintEvent.objects.filter(kind=EventKind.CREATED).order_by("complaint_id")
    assert first.count() == 60
    assert all(e.at == e.complaint.created_at for e in first.select_related("complaint"))
    # Demo notifications exist as rows but are marked as not to be delivered.
    assert Notification.objects.exists() and not Notification.objects.filter(sent_at__isnull=True).exists()
    assert "60 aduan" in output


def test_it_is_deterministic_for_a_seed(db: Any, demo: Any) -> None:
    seed("--complaints", "12", "--seed", "5", "--no-train")
    first = list(Complaint.objects.order_by("tracking_no").values_list("title", "status", "lat", "category__code"))
    Complaint.objects.all().delete()

    seed("--complaints", "12", "--seed", "5", "--no-train")

    again = list(Complaint.objects.order_by("created_at").values_list("title", "status", "lat", "category__code"))
    assert again == first


def test_it_does_nothing_the_second_time_with_if_empty(db: Any, demo: Any) -> None:
    seed("--complaints", "8", "--no-train")
    counts = (Complaint.objects.count(), ComplaintEvent.objects.count(), Agency.objects.count(),
              User.objects.count())

    output = seed("--if-empty")

    assert "dilewati" in output
    assert (Complaint.objects.count(), ComplaintEvent.objects.count(), Agency.objects.count(),
            User.objects.count()) == counts


def test_it_refuses_to_create_demo_accounts_without_demo(db: Any, settings: Any) -> None:
    settings.DEMO = False

    with pytest.raises(CommandError, match="DEMO=1"):
        seed("--complaints", "5")

    assert not User.objects.exists()
    assert not Complaint.objects.exists()


def test_it_only_warns_without_demo_when_called_by_make_run(db: Any, settings: Any) -> None:
    settings.DEMO = False
    err = io.StringIO()

    call_command("seed_demo", "--if-empty", stdout=io.StringIO(), stderr=err)

    assert "DEMO=1" in err.getvalue()
    assert not User.objects.exists() and not Agency.objects.exists()


def test_it_seeds_the_sensor_modules_so_the_simulators_have_a_city_to_run(db: Any, demo: Any) -> None:
    from kotacerdas.parking.models import Jukir, LeakageAssessment, ParkingPoint, ParkingTransaction
    from kotacerdas.traffic.models import Detector, Intersection

    seed("--complaints", "0", "--parking-days", "1")

    assert Intersection.objects.filter(is_demo=True).count() >= 18
    assert Detector.objects.filter(is_active=True).exists()
    assert ParkingPoint.objects.count() == 152
    assert Jukir.objects.filter(status="aktif").count() >= 152
    assert ParkingTransaction.objects.count() > 1000  # one simulated day of payments
    assert LeakageAssessment.objects.exists()
