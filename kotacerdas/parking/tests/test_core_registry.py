"""Registry actions (card, jukir status, assignment, stickers, tariffs, points) and role-scoped selectors."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kotacerdas.accounts.models import Role, User
from kotacerdas.core.models import AuditLog
from kotacerdas.parking import actions, selectors, tariffs
from kotacerdas.parking.models import JukirStatus, Tariff, TariffSchedule


def test_card_qr_verifies_and_reissue_invalidates_the_old_card(parking: Any, people: Any) -> None:
    old = actions.card_payload(parking.j1)

    assert old.startswith("KC-JUKIR:J-001:")
    assert actions.verify_card(old) == parking.j1
    actions.do_reissue_card(people.hendra, parking.j1)
    assert actions.verify_card(old) is None
    assert actions.verify_card(actions.card_payload(parking.j1)) == parking.j1


@pytest.mark.parametrize("payload", ["", "KC-JUKIR:J-001", "KC-JUKIR:J-999:abc", "XX:J-001:abc", "KC-JUKIR::abc",
                                     "KC-JUKIR:J-001:" + "0" * 32])
def test_forged_or_malformed_card_does_not_verify(parking: Any, payload: str) -> None:
    assert actions.verify_card(payload) is None


def test_card_qr_renders_as_svg(parking: Any) -> None:
    svg = actions.card_qr_svg(parking.j1)

    assert svg.startswith("<svg") and "path" in svg


def test_revoking_needs_a_reason_and_a_manager(parking: Any, people: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.do_set_jukir_status(people.hendra, parking.j1, JukirStatus.REVOKED, "")
    assert "reason" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.do_set_jukir_status(people.walikota, parking.j1, JukirStatus.REVOKED, "menerima tunai")
    with pytest.raises(PermissionDenied):
        actions.do_set_jukir_status(parking.mitra_staff, parking.j1, JukirStatus.REVOKED, "menerima tunai")

    actions.do_set_jukir_status(people.hendra, parking.j1, JukirStatus.REVOKED, "menerima tunai")

    parking.j1.refresh_from_db()
    assert parking.j1.status == JukirStatus.REVOKED and parking.j1.status_reason == "menerima tunai"
    assert AuditLog.objects.filter(action="parking.jukir_status", actor=people.hendra).exists()


def test_jukir_is_assigned_only_at_its_operators_points_and_only_while_active(parking: Any, people: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.do_assign(people.hendra, parking.j1, parking.psr1, shift_start=time(7), shift_end=time(14),
                          valid_from=date(2026, 1, 1))
    assert "point" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.do_assign(people.hendra, parking.j_revoked, parking.ksw2, shift_start=time(7), shift_end=time(14),
                          valid_from=date(2026, 1, 1))
    assert "jukir" in exc.value.message_dict

    assignment = actions.do_assign(people.hendra, parking.j1, parking.ksw2, shift_start=time(7),
                                   shift_end=time(14), valid_from=parking.now.date())

    assert parking.pay(point=parking.ksw2).accepted
    actions.do_end_assignment(people.hendra, assignment, parking.now.date())
    assert assignment.valid_to == parking.now.date()
    with pytest.raises(ValidationError):
        actions.do_end_assignment(people.hendra, assignment, date(2000, 1, 1))


def test_create_jukir_checks_code_and_nik(parking: Any, people: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.do_create_jukir(people.hendra, code="J-001", name="Dua", operator=parking.mitra1)
    assert "code" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.do_create_jukir(people.hendra, code="J-100", name="Baru", operator=parking.mitra1, nik="123")
    assert "nik" in exc.value.message_dict

    jukir = actions.do_create_jukir(people.hendra, code="J-100", name="Baru", operator=parking.mitra1)

    assert jukir.card_secret and actions.verify_card(actions.card_payload(jukir)) == jukir


def test_sticker_is_priced_by_the_subscription_tariff_and_valid_a_year(parking: Any, people: Any) -> None:
    sticker = actions.do_issue_sticker(people.hendra, plate="bk 77 xy", vehicle_class="mobil",
                                       valid_from=date(2026, 7, 1), owner_name="Pemilik")

    assert (sticker.plate, sticker.amount_paid, sticker.valid_to) == ("BK77XY", 130000, date(2027, 6, 30))
    assert sticker.regulation == "Perwal Medan 26/2024"
    with pytest.raises(ValidationError) as exc:
        actions.do_issue_sticker(people.hendra, plate="BK 1 A", vehicle_class="truk_besar",
                                 valid_from=date(2026, 7, 1))
    assert "vehicle_class" in exc.value.message_dict  # truk/bus price not confirmed (Rp168.000 vs Rp170.000)


def test_revoked_sticker_no_longer_protects(parking: Any, people: Any) -> None:
    actions.do_revoke_sticker(people.hendra, parking.sticker, "stiker dipalsukan")

    assert actions.valid_sticker(plate="BK1234AB", on=parking.now.date()) is None


def test_new_tariff_schedule_closes_the_old_and_keeps_history(parking: Any, people: Any) -> None:
    start = date(2027, 1, 1)
    new = actions.do_create_tariff_schedule(people.hendra, name="Perubahan", regulation="Perda Kota Medan 2/2026",
                                            valid_from=start, amounts={"motor": 4000, "mobil": 6000, "pickup": 7000},
                                            notes={"truk_mini": "menunggu konfirmasi"})

    parking.schedule.refresh_from_db()
    assert parking.schedule.valid_to == start - timedelta(days=1)
    assert tariffs.tariff_for("motor", start - timedelta(days=1)).amount == 3000
    assert tariffs.tariff_for("motor", start).amount == 4000
    assert tariffs.tariffs_on(start) == {"motor": 4000, "mobil": 6000, "pickup": 7000, "truk_mini": None,
                                         "truk_besar": None}
    assert Tariff.objects.get(schedule=new, vehicle_class="truk_mini").note == "menunggu konfirmasi"
    with pytest.raises(ValidationError) as exc:
        actions.do_create_tariff_schedule(people.hendra, name="x", regulation="Perda", valid_from=start,
                                          amounts={"motor": 1})
    assert "valid_from" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.do_create_tariff_schedule(people.hendra, name="x", regulation="", valid_from=date(2028, 1, 1),
                                          amounts={})
    assert "regulation" in exc.value.message_dict
    assert TariffSchedule.objects.count() == 2


def test_point_position_sets_its_area_and_must_be_inside_the_city(parking: Any, people: Any, city: Any) -> None:
    point = actions.do_save_point(people.hendra, code="BARU-01", name="Titik baru", segment=parking.segment,
                                  operator=parking.mitra1, lat=city.inside_baru[0], lon=city.inside_baru[1])

    assert (point.kecamatan, point.kelurahan) == (city.kec_baru, city.kel_babura)
    with pytest.raises(ValidationError) as exc:
        actions.do_save_point(people.hendra, point, lat=city.outside[0], lon=city.outside[1])
    assert "lat" in exc.value.message_dict
    actions.do_set_capacity(people.hendra, point, {"motor": 20, "mobil": 4})
    actions.do_set_capacity(people.hendra, point, {"mobil": 0})
    assert dict(point.capacities.values_list("vehicle_class", "spaces")) == {"motor": 20}


def test_who_sees_which_points(parking: Any, people: Any, city: Any) -> None:
    everything = {"KSW-01", "KSW-02", "PSR-01", "ADN-01"}

    def codes(user: Any) -> set[str]:
        return set(selectors.points_for(user).values_list("code", flat=True))

    for user in (people.hendra, people.adi, people.root, people.oscar, people.walikota):
        assert codes(user) == everything, user.username
    assert codes(people.camat) == {"KSW-01", "KSW-02", "ADN-01"}  # Medan Kota
    assert codes(people.lurah) == {"KSW-01", "KSW-02"}  # Pasar Baru
    assert codes(parking.mitra_staff) == {"KSW-01", "KSW-02"}
    assert codes(parking.jukir_user) == {"KSW-01"}
    for user in (people.wati, people.dewi, people.putra):
        assert codes(user) == set(), user.username


def test_who_may_manage(parking: Any, people: Any, city: Any) -> None:
    dishub_petugas = User.objects.create_user(username="petugas-dishub", role=Role.PETUGAS, agency=city.dishub)

    assert [selectors.can_manage(u) for u in (people.hendra, dishub_petugas, people.adi, people.root)] == [True] * 4
    assert not any(selectors.can_manage(u) for u in (people.walikota, people.oscar, people.dewi, people.wati,
                                                     parking.mitra_staff, parking.jukir_user))
    assert selectors.can_view(people.oscar) and selectors.can_view(parking.jukir_user)
    assert not selectors.can_view(people.dewi)


def test_agency_codes_are_a_setting(parking: Any, people: Any, settings: Any) -> None:
    settings.PARKING_AGENCY_CODES = ("dinas-lingkungan-hidup",)

    assert selectors.can_manage(people.dewi) and not selectors.can_manage(people.hendra)


def test_jukir_sees_only_own_transactions_and_violations(parking: Any, people: Any) -> None:
    parking.pay()
    parking.pay(jukir=parking.j_revoked)
    parking.pay(point=parking.ksw2, jukir=parking.j3)

    assert [t.jukir for t in selectors.transactions_for(parking.jukir_user)] == [parking.j1]
    assert list(selectors.violations_for(parking.jukir_user)) == []
    assert selectors.violations_for(parking.mitra_staff).count() == 1
    assert list(selectors.jukir_for(parking.jukir_user)) == [parking.j1]
    assert selectors.jukir_for(parking.mitra_staff).count() == 3
    assert selectors.settlements_for(parking.mitra_staff).count() == 0


def test_merchant_for_prefers_the_operators_account(parking: Any) -> None:
    from kotacerdas.parking.tests.conftest import CITY_NMID, MITRA1_NMID

    assert selectors.merchant_for(parking.ksw1).merchant_id == MITRA1_NMID
    assert selectors.merchant_for(parking.adn1).merchant_id == CITY_NMID


def test_review_a_violation(parking: Any, people: Any) -> None:
    violation = parking.pay(method="tunai", merchant_id="").violation

    with pytest.raises(ValidationError):
        actions.do_review_violation(people.hendra, violation, "ditolak", "")
    actions.do_review_violation(people.hendra, violation, "ditinjau", "jukir ditegur")

    violation.refresh_from_db()
    assert (violation.status, violation.reviewed_by) == ("ditinjau", people.hendra)

