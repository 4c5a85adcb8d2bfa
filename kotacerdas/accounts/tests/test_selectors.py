"""Who oversees an area, and who works at an OPD."""

from __future__ import annotations

from kotacerdas.accounts import selectors
from kotacerdas.accounts.models import Role, User


def names(users) -> set[str]:
    return {u.username for u in users}


def test_it_finds_city_camat_and_lurah_for_a_kelurahan(people, city):
    assert names(selectors.pimpinan_for(city.kel_pasar_baru)) == {"walikota", "camat", "lurah"}


def test_it_leaves_out_the_lurah_of_a_neighbouring_kelurahan(people, city):
    assert names(selectors.pimpinan_for(city.kel_pusat_pasar)) == {"walikota", "camat"}


def test_it_gives_a_kecamatan_its_camat_but_not_its_lurahs(people, city):
    assert names(selectors.pimpinan_for(city.kec_kota)) == {"walikota", "camat"}


def test_it_gives_another_kecamatan_only_the_city_pimpinan(people, city):
    assert names(selectors.pimpinan_for(city.kec_baru)) == {"walikota"}
    assert names(selectors.pimpinan_for(city.kel_babura)) == {"walikota"}


def test_it_gives_the_city_pimpinan_when_there_is_no_area(people, city):
    assert names(selectors.pimpinan_for(None)) == {"walikota"}
    assert names(selectors.pimpinan_for(city.kota)) == {"walikota"}


def test_it_skips_deactivated_pimpinan(people, city):
    people.camat.is_active = False
    people.camat.save()
    assert names(selectors.pimpinan_for(city.kel_pasar_baru)) == {"walikota", "lurah"}


def test_it_lists_staff_and_field_officers_of_an_agency(people, city):
    User.objects.create_user("warga_dlh", role=Role.WARGA, agency=city.dlh)  # a data error must not leak in
    assert names(selectors.staff_for_agency(city.dlh)) == {"dewi", "putra", "kepala_dlh"}
    assert names(selectors.field_officers(city.dlh)) == {"putra"}
    assert names(selectors.field_officers(city.dishub)) == set()


def test_it_lists_agency_heads_and_coordinators(people, city):
    assert names(selectors.agency_heads()) == {"kepala_dlh"}
    assert names(selectors.agency_heads(city.dishub)) == set()
    assert names(selectors.admin_koordinators()) == {"adi"}
