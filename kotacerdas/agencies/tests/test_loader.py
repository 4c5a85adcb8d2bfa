"""The OPD loader: the bundled Medan CSV with its sources, area offices, and idempotent reloads."""

from __future__ import annotations

import csv
from typing import Any

import pytest

from kotacerdas.agencies import loader
from kotacerdas.agencies.models import Agency, AgencyKind


def _csv_codes() -> list[str]:
    with open(loader.MEDAN_OPD_CSV, encoding="utf-8", newline="") as fh:
        return [row["code"] for row in csv.DictReader(fh)]


def test_it_loads_the_15_medan_opd_with_their_cited_sources(city: Any) -> None:
    result = loader.load_medan_opd(city.kota)

    codes = _csv_codes()
    assert len(codes) == 15
    # The conftest city already has DLH and Dishub under the same codes: they are updated, not duplicated.
    assert sorted(result.created + result.updated + result.unchanged) == sorted(codes)
    assert "dinas-lingkungan-hidup" in result.updated
    dlh = Agency.objects.get(code="dinas-lingkungan-hidup")
    assert dlh.short_name == "DLH" and dlh.kind == AgencyKind.DINAS and not dlh.is_demo
    # [S2] and [S3] of its duties resolved against the README's source list.
    assert "[S2] sumutpos.co/metropolis/15/01/2023" in dlh.source
    assert "[S3] barometeronlinesumut.com" in dlh.source
    bapenda = Agency.objects.get(code="badan-pendapatan-daerah")
    assert bapenda.kind == AgencyKind.BADAN and bapenda.city == city.kota


def test_it_is_idempotent(city: Any) -> None:
    loader.load_medan_opd(city.kota)
    loader.setup_area_offices(city.kota, ["12.71.01.1001"], is_demo=True)
    before = list(Agency.objects.order_by("code").values_list("code", "name", "source", "region_id"))

    again = loader.load_medan_opd(city.kota)
    offices = loader.setup_area_offices(city.kota, ["12.71.01.1001"], is_demo=True)

    assert again.created == [] and again.updated == [] and len(again.unchanged) == 15
    assert offices.created == [] and offices.updated == []
    assert list(Agency.objects.order_by("code").values_list("code", "name", "source", "region_id")) == before


def test_it_keeps_what_an_admin_set_by_hand(city: Any, people: Any) -> None:
    loader.load_medan_opd(city.kota)
    Agency.objects.filter(code="dinas-lingkungan-hidup").update(office_phone="061-4512345")

    loader.load_medan_opd(city.kota)

    dlh = Agency.objects.get(code="dinas-lingkungan-hidup")
    assert dlh.head == people.kepala_dlh and dlh.office_phone == "061-4512345"


def test_it_creates_one_kantor_camat_per_kecamatan_and_the_lurah_offices_asked_for(city: Any) -> None:
    result = loader.setup_area_offices(city.kota, ["12.71.01.1002", "99.99.99.9999"], is_demo=True)

    camat = Agency.objects.filter(kind=AgencyKind.KECAMATAN).order_by("region__code")
    assert [a.region for a in camat] == [city.kec_kota, city.kec_baru]
    assert [a.name for a in camat] == ["Kecamatan Medan Kota", "Kecamatan Medan Baru"]
    lurah = Agency.objects.get(kind=AgencyKind.KELURAHAN)
    assert lurah.region == city.kel_pusat_pasar and lurah.is_demo
    assert len(result.created) == 3


def test_it_refuses_a_csv_with_duplicate_codes(tmp_path: Any) -> None:
    path = tmp_path / "opd.csv"
    path.write_text("code,name\ndinas-a,Dinas A\ndinas-a,Dinas A lagi\n", encoding="utf-8")

    with pytest.raises(ValueError, match="duplicate codes dinas-a"):
        loader.read_csv(path)


def test_it_flags_a_citation_missing_from_the_readme() -> None:
    text = loader.cite("Tugas [S1] dan [S9].", {"S1": "contoh.id/berita"}, "data.csv")

    assert text.splitlines() == ["data.csv", "[S1] contoh.id/berita", "(sumber S9 tidak ditemukan di README)"]
