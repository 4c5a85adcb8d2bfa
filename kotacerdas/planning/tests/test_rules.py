"""Every planning rule of egov-rules 20-32, through planning/actions.py."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from kotacerdas.core.models import AuditLog
from kotacerdas.planning import actions, pricing, scoring
from kotacerdas.planning.models import (
    BeritaAcara,
    PriceItem,
    PriceVersion,
    StageWindow,
    Usulan,
    UsulanStatus,
)
from kotacerdas.planning.rules import Decision, Source, Stage

pytestmark = pytest.mark.django_db


def ba(held_on: date | None = None) -> actions.BeritaAcaraInput:
    return actions.BeritaAcaraInput(held_on=held_on or actions.local_today(), place="Aula kantor lurah",
                                    chair="Lurah Pasar Baru", participants="Lurah\nKetua LPM\nDelegasi RW 03 (P)")


def close_kelurahan(plan, usulan_list, decisions=None):  # noqa: ANN001, ANN201
    lurah = plan.people.lurah
    for u in usulan_list:
        actions.do_decide(lurah, u, (decisions or {}).get(u.pk, Decision.DITERIMA), "Sesuai prioritas warga")
    forum = actions.forum_for(usulan_list[0], Stage.KELURAHAN)
    actions.do_save_berita_acara(lurah, forum, ba())
    return actions.do_close_forum(lurah, forum)


# Rule 26: calendar -----------------------------------------------------------------------------------------

def test_it_creates_the_default_calendar_from_the_reference(plan) -> None:  # noqa: ANN001
    year = actions.do_create_year(plan.bappeda, plan.city.kota, 2028)
    windows = {w.stage: w for w in StageWindow.objects.filter(planning_year=year)}
    assert list(windows) == [s.value for s in Stage]
    assert windows[Stage.KELURAHAN].opens_on == date(2027, 2, 1)
    assert windows[Stage.RKPD].closes_on == date(2027, 6, 30)
    assert "egov-rules" in windows[Stage.KECAMATAN].source


def test_it_refuses_an_usulan_outside_its_entry_window(plan) -> None:  # noqa: ANN001
    today = actions.local_today()
    StageWindow.objects.filter(planning_year=plan.year, stage=Stage.KELURAHAN).update(
        opens_on=today - timedelta(days=10), closes_on=today - timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        plan.usulan(plan.people.lurah)
    assert "tidak sedang dibuka" in str(exc.value.message_dict["source"])
    assert not Usulan.objects.exists()


def test_it_refuses_an_usulan_after_the_stage_was_closed(plan) -> None:  # noqa: ANN001
    w = actions.window(plan.year, Stage.KELURAHAN)
    actions.do_close_stage(plan.bappeda, w)
    with pytest.raises(ValidationError, match="sudah ditutup"):
        plan.usulan(plan.people.lurah)


def test_it_keeps_stage_windows_in_order_and_lets_only_bappeda_change_them(plan) -> None:  # noqa: ANN001
    w = actions.window(plan.year, Stage.KECAMATAN)
    with pytest.raises(PermissionDenied):
        actions.check_update_window(plan.people.camat, w, w.opens_on, w.closes_on)
    with pytest.raises(ValidationError) as exc:
        actions.check_update_window(plan.bappeda, w, w.closes_on, w.opens_on - timedelta(days=1))
    assert "closes_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.check_update_window(plan.bappeda, w, w.opens_on - timedelta(days=30), w.closes_on)
    assert "opens_on" in exc.value.message_dict
    actions.do_update_window(plan.bappeda, w, w.opens_on, w.closes_on)
    assert AuditLog.objects.filter(action="planning.window.updated").exists()


# Rules 20, 21, 27: usulan entry ------------------------------------------------------------------------------

def test_it_enters_each_source_at_its_own_stage(plan, people) -> None:  # noqa: ANN001
    warga = plan.usulan(people.wati, source=Source.WARGA)
    kel = plan.usulan(people.lurah)
    kec = plan.usulan(people.camat, source=Source.KECAMATAN)
    pokir = plan.usulan(plan.bappeda, source=Source.POKIR)
    opd = plan.usulan(people.dewi, source=Source.OPD, kamus=plan.kamus_sampah, qty="3")
    assert [u.current_stage for u in (warga, kel, kec, pokir, opd)] == [
        Stage.REMBUK, Stage.KELURAHAN, Stage.KECAMATAN, Stage.FORUM_OPD, Stage.FORUM_OPD]
    assert kel.kelurahan == plan.city.kel_pasar_baru and kel.kecamatan == plan.city.kec_kota
    assert kel.agency == plan.pu and kel.satuan == "m2" and kel.rumpun == "infrastruktur"
    assert AuditLog.objects.filter(action="planning.usulan.created").count() == 5


def test_it_refuses_sources_a_role_may_not_enter(plan, people) -> None:  # noqa: ANN001
    with pytest.raises(PermissionDenied):
        plan.usulan(people.wati, source=Source.KELURAHAN)
    with pytest.raises(PermissionDenied):
        plan.usulan(people.lurah, source=Source.POKIR)
    with pytest.raises(ValidationError, match="tanggung jawabnya"):
        plan.usulan(people.dewi, source=Source.OPD)  # road kamus belongs to the PU agency, not DLH


def test_it_places_the_usulan_in_a_kelurahan_of_the_city(plan, people) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as exc:
        plan.usulan(people.lurah, point=plan.city.outside)
    assert "location" in exc.value.message_dict
    with pytest.raises(ValidationError, match="kelurahan Anda"):
        plan.usulan(people.lurah, point=plan.city.inside_baru)


def test_it_requires_a_kamus_entry_volume_and_components(plan, people) -> None:  # noqa: ANN001
    data = actions.UsulanInput(source=Source.KELURAHAN, kamus=None, title="", lat=None, lon=None,
                               location_text="", volume="-1", components=[])
    with pytest.raises(ValidationError) as exc:
        actions.do_submit_usulan(people.lurah, plan.year, data)
    assert {"kamus", "title", "location", "location_text", "volume", "components"} <= set(exc.value.message_dict)


# Rule 29, 32: cost from the current price version ----------------------------------------------------------

def test_it_costs_an_usulan_from_the_current_price_version(plan, people) -> None:  # noqa: ANN001
    first = plan.usulan(people.lurah, qty="100")
    assert first.estimated_cost == Decimal(18_500_000)
    csv2 = "kode,uraian,satuan,harga\nJL-001,Pengaspalan jalan lingkungan,m2,200000\nTS-001,Tong,unit,2750000\n"
    v2 = actions.do_import_prices(plan.bappeda, "ssh", 2027, "Perwal Medan 9/2026 (perubahan)",
                                  io.BytesIO(csv2.encode()), "ssh2.csv", "12")
    assert v2.number == 2
    second = plan.usulan(people.lurah, qty="100")
    assert second.estimated_cost == Decimal(20_000_000)
    assert second.components.get().item.version == v2
    # The old version stays for audit, and the first usulan keeps the price it was costed with.
    assert PriceVersion.objects.filter(kind="ssh", budget_year=2027).count() == 2
    assert first.components.get().unit_price == Decimal(185_000)
    assert list(pricing.current_versions(2027)) == [v2]
    lines, errors = actions.cost_lines(plan.year, [("RPT-001", "1")])  # only in version 1
    assert not lines and "tidak ada di standar harga" in errors[0]


def test_it_imports_nothing_when_a_row_is_wrong_and_names_the_lines(plan) -> None:  # noqa: ANN001
    bad = ("kode,uraian,satuan,harga,kategori_shsr\n"
           "A-1,Semen,zak,65000,\n"
           "A-2,Pasir,,abc,\n"
           "A-1,Semen lagi,zak,66000,\n"
           "A-4,Honor,OJ,1000000,kategori_asing\n")
    with pytest.raises(ValidationError) as exc:
        actions.do_import_prices(plan.bappeda, "hspk", 2027, "Perwal 2/2026", io.BytesIO(bad.encode()),
                                 "h.csv", "12")
    messages = exc.value.message_dict["file"]
    assert messages[0].startswith("Baris 3:") and "satuan" in messages[0] and "bukan angka" in messages[0]
    assert messages[1].startswith("Baris 4:") and "baris 2" in messages[1]
    assert messages[2].startswith("Baris 5:") and "kategori SHSR" in messages[2]
    assert not PriceVersion.objects.filter(kind="hspk").exists()
    with pytest.raises(ValidationError) as exc:
        actions.do_import_prices(plan.bappeda, "hspk", 2027, "Perwal 2/2026", io.BytesIO(b"nama,harga\nx,1\n"),
                                 "h.csv", "12")
    assert "Kolom wajib" in exc.value.message_dict["file"][0]
    with pytest.raises(PermissionDenied):
        actions.check_import_prices(plan.people.camat, "ssh", 2027, "x", io.BytesIO(b""), "a.csv", "12")


def test_it_imports_an_xlsx_catalogue(plan) -> None:  # noqa: ANN001
    wb = Workbook()
    ws = wb.active
    ws.append(["kode", "uraian", "spesifikasi", "satuan", "harga", "kode_rekening", "kategori_shsr"])
    ws.append(["ASB-01", "Pelatihan 10 hari", "per peserta", "orang", 3500000, "5.1.02", None])
    ws.append(["ASB-02", "Penyuluhan", "", "kegiatan", "6.500.000", "", None])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    version = actions.do_import_prices(plan.bappeda, "asb", 2027, "Perwal 3/2026", out, "asb.xlsx", "12")
    assert {i.code: i.price for i in version.items.all()} == {"ASB-01": 3_500_000, "ASB-02": 6_500_000}


# Rules 30, 31: Perpres 33/2020 ceilings ----------------------------------------------------------------------

def test_it_rejects_prices_above_lampiran_i_and_ii_ceilings_in_planning(plan) -> None:  # noqa: ANN001
    over = ("kode,uraian,satuan,harga,kategori_shsr\n"
            "R-1,Rapat luar kantor,orang/hari,400000,rapat_luar_kantor\n"
            "K-1,Konsumsi rapat,orang/kali,70000,rapat_dalam_kantor\n")
    with pytest.raises(ValidationError) as exc:
        actions.do_import_prices(plan.bappeda, "ssh", 2027, "Perwal 4/2026", io.BytesIO(over.encode()), "o.csv",
                                 "12")
    msgs = exc.value.message_dict["file"]
    assert "Lampiran I " in msgs[0] and "Baris 2" in msgs[0]
    assert "Lampiran II" in msgs[1] and "Baris 3" in msgs[1]
    # A ceiling lowered after import still stops the item from costing a new usulan.
    item = PriceItem.objects.get(code="RPT-001")
    item.ceiling.amount = Decimal(300000)
    item.ceiling.save()
    lines, errors = actions.cost_lines(plan.year, [("RPT-001", "10")])
    assert not lines and "Lampiran I" in errors[0]


def test_it_rejects_lampiran_i_in_execution_and_needs_a_justification_for_lampiran_ii(plan) -> None:  # noqa: ANN001
    rapat = PriceItem.objects.get(code="RPT-001")
    konsumsi = PriceItem.objects.get(code="KON-001")
    with pytest.raises(ValidationError) as exc:
        actions.do_record_execution_price(plan.bappeda, rapat, 390000, "SPK 01/2027", "alasan apa pun panjang sekali")
    assert "Lampiran I" in exc.value.message_dict["price"][0]
    with pytest.raises(ValidationError) as exc:
        actions.do_record_execution_price(plan.bappeda, konsumsi, 65000, "SPK 02/2027", "")
    assert "justification" in exc.value.message_dict
    dev = actions.do_record_execution_price(plan.bappeda, konsumsi, 65000, "SPK 02/2027",
                                            "Harga pasar naik setelah banjir; tiga penawaran terlampir.")
    assert dev is not None and dev.justification.startswith("Harga pasar")
    assert actions.do_record_execution_price(plan.bappeda, konsumsi, 50000, "SPK 03/2027", "") is None
    with pytest.raises(PermissionDenied):
        actions.check_execution_price(plan.people.wati, konsumsi, 1, "x", "")


# Rules 20, 22: decisions and no skipping ---------------------------------------------------------------------

def test_it_needs_a_decision_with_a_reason_from_the_forum_holder(plan, people) -> None:  # noqa: ANN001
    u = plan.usulan(people.lurah)
    with pytest.raises(ValidationError) as exc:
        actions.do_decide(people.lurah, u, Decision.DITERIMA, "ok")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        actions.do_decide(people.lurah, u, "mungkin", "alasan cukup panjang")
    with pytest.raises(PermissionDenied):
        actions.do_decide(people.camat, u, Decision.DITERIMA, "camat memutuskan di kelurahan")
    d = actions.do_decide(people.lurah, u, Decision.DITOLAK, "Sudah dianggarkan tahun lalu")
    assert d.reason == "Sudah dianggarkan tahun lalu" and d.rank is None and d.forum.stage == Stage.KELURAHAN


def test_it_moves_accepted_usulan_one_stage_at_a_time(plan, people) -> None:  # noqa: ANN001
    accepted = plan.usulan(people.lurah)
    rejected = plan.usulan(people.lurah, title="Gapura")
    unagreed = plan.usulan(people.lurah, title="Taman")
    close_kelurahan(plan, [accepted, rejected, unagreed], {rejected.pk: Decision.DITOLAK,
                                                           unagreed.pk: Decision.BELUM})
    accepted.refresh_from_db()
    rejected.refresh_from_db()
    unagreed.refresh_from_db()
    assert (accepted.current_stage, accepted.status) == (Stage.KECAMATAN, UsulanStatus.MENUNGGU)
    assert (rejected.current_stage, rejected.status) == (Stage.KELURAHAN, UsulanStatus.DITOLAK)
    assert (unagreed.current_stage, unagreed.status) == (Stage.KELURAHAN, UsulanStatus.BELUM)
    # The kecamatan forum is the only next step: an OPD cannot pick it up before the camat decides.
    with pytest.raises(PermissionDenied):
        actions.do_decide(plan.bappeda.__class__.objects.get(username="dewi"), accepted, Decision.DITERIMA,
                          "OPD ingin langsung memutuskan")
    # A rejected usulan stays where it was decided; its closed forum refuses any change.
    with pytest.raises(ValidationError, match="sudah ditutup"):
        actions.do_decide(people.lurah, rejected, Decision.DITERIMA, "berubah pikiran")
    ba_row = BeritaAcara.objects.get(forum__stage=Stage.KELURAHAN)
    assert [r["number"] for r in ba_row.agreed] == [accepted.number]
    assert {r["decision"] for r in ba_row.unagreed} == {Decision.DITOLAK, Decision.BELUM}


def test_it_takes_an_usulan_through_every_stage_to_the_rkpd(plan, people) -> None:  # noqa: ANN001
    u = plan.usulan(people.lurah, qty="10")
    close_kelurahan(plan, [u])
    holders = {Stage.KECAMATAN: people.camat, Stage.FORUM_OPD: plan.bappeda, Stage.KOTA: plan.bappeda,
               Stage.RENJA: plan.bappeda, Stage.RKPD: plan.bappeda}
    for stage, holder in holders.items():
        u.refresh_from_db()
        assert u.current_stage == stage
        actions.do_decide(holder, u, Decision.DITERIMA, f"Disepakati di {stage}")
        forum = actions.forum_for(u)
        actions.do_save_berita_acara(holder, forum, ba())
        actions.do_close_forum(holder, forum)
    u.refresh_from_db()
    assert u.status == UsulanStatus.DITETAPKAN and u.current_stage == Stage.RKPD
    assert list(u.decisions.values_list("stage", flat=True)) == [s.value for s in Stage][1:]


# Rule 23: ranks ----------------------------------------------------------------------------------------------

def test_it_keeps_forum_ranks_unique_and_consecutive(plan, people) -> None:  # noqa: ANN001
    a, b, c = (plan.usulan(people.lurah, qty="10", title=t) for t in ("A", "B", "C"))
    for u in (a, b, c):
        actions.do_decide(people.lurah, u, Decision.DITERIMA, "Prioritas warga")
    forum = actions.forum_for(a)
    assert dict(forum.decisions.values_list("usulan_id", "rank")) == {a.pk: 1, b.pk: 2, c.pk: 3}
    for bad in ({a.pk: 1, b.pk: 1, c.pk: 2}, {a.pk: 1, b.pk: 2, c.pk: 4}, {a.pk: 1, b.pk: 2},
                {a.pk: 0, b.pk: 1, c.pk: 2}, {a.pk: "x", b.pk: 1, c.pk: 2}):
        with pytest.raises(ValidationError) as exc:
            actions.do_set_ranks(people.lurah, forum, bad)
        assert "rank" in exc.value.message_dict
    actions.do_set_ranks(people.lurah, forum, {a.pk: 3, b.pk: 1, c.pk: 2})
    assert dict(forum.decisions.values_list("usulan_id", "rank")) == {a.pk: 3, b.pk: 1, c.pk: 2}
    # Withdrawing an acceptance closes the gap, keeping the order of the others.
    actions.do_decide(people.lurah, b, Decision.BELUM, "Perlu survei lokasi")
    assert dict(forum.decisions.filter(decision=Decision.DITERIMA).values_list("usulan_id", "rank")) == {
        c.pk: 1, a.pk: 2}


# Rule 24: pagu indikatif -------------------------------------------------------------------------------------

def test_it_keeps_accepted_kecamatan_usulan_within_the_pagu(plan, people) -> None:  # noqa: ANN001
    big = plan.usulan(people.lurah, qty="200", title="Jalan panjang")  # Rp37.000.000
    more = plan.usulan(people.lurah, qty="100", title="Jalan pendek")  # Rp18.500.000
    close_kelurahan(plan, [big, more])
    big.refresh_from_db()
    more.refresh_from_db()
    actions.do_decide(people.camat, big, Decision.DITERIMA, "Prioritas kecamatan")
    with pytest.raises(ValidationError) as exc:
        actions.do_decide(people.camat, more, Decision.DITERIMA, "Juga penting")
    assert "melebihi pagu indikatif" in exc.value.message_dict["decision"][0]
    actions.do_decide(people.camat, more, Decision.BELUM, "Menunggu pagu tahun depan")
    forum = actions.forum_for(big)
    assert actions.accepted_total(forum) == Decimal(37_000_000)


def test_it_refuses_acceptance_where_no_pagu_was_set(plan, people) -> None:  # noqa: ANN001
    u = plan.usulan(people.camat, source=Source.KECAMATAN, point=plan.city.inside)
    plan.year.pagu.all().delete()
    with pytest.raises(ValidationError, match="belum ditetapkan"):
        actions.do_decide(people.camat, u, Decision.DITERIMA, "Prioritas kecamatan")


# Rule 25: berita acara ---------------------------------------------------------------------------------------

def test_it_needs_a_berita_acara_and_every_decision_to_close_a_forum(plan, people) -> None:  # noqa: ANN001
    a = plan.usulan(people.lurah)
    b = plan.usulan(people.lurah, title="Drainase")
    actions.do_decide(people.lurah, a, Decision.DITERIMA, "Prioritas warga")
    forum = actions.forum_for(a)
    with pytest.raises(ValidationError, match=b.number):
        actions.do_close_forum(people.lurah, forum)
    actions.do_decide(people.lurah, b, Decision.DITOLAK, "Bukan kewenangan kota")
    with pytest.raises(ValidationError, match="Berita acara wajib"):
        actions.do_close_forum(people.lurah, forum)
    with pytest.raises(ValidationError) as exc:
        actions.do_save_berita_acara(people.lurah, forum, actions.BeritaAcaraInput(
            held_on=actions.local_today() + timedelta(days=30), place="", chair="", participants="Lurah"))
    assert {"held_on", "place", "chair", "participants"} <= set(exc.value.message_dict)
    actions.do_save_berita_acara(people.lurah, forum, ba())
    actions.do_close_forum(people.lurah, forum)
    forum.refresh_from_db()
    assert forum.closed_at is not None
    with pytest.raises(ValidationError):
        actions.do_save_berita_acara(people.lurah, forum, ba())


def test_it_closes_a_stage_only_when_its_forums_are_closed(plan, people) -> None:  # noqa: ANN001
    u = plan.usulan(people.lurah)
    w = actions.window(plan.year, Stage.KELURAHAN)
    with pytest.raises(ValidationError, match="Pasar Baru"):
        actions.do_close_stage(plan.bappeda, w)
    with pytest.raises(PermissionDenied):
        actions.do_close_stage(people.lurah, w)
    close_kelurahan(plan, [u])
    actions.do_close_stage(plan.bappeda, w)
    w.refresh_from_db()
    assert w.closed_at is not None


# Rule 28: advisory scoring -----------------------------------------------------------------------------------

def test_it_scores_usulan_with_configurable_weights_beside_the_rank(plan, people) -> None:  # noqa: ANN001
    u = plan.usulan(people.lurah)
    weights = scoring.weights_for(plan.year)
    assert scoring.score(u, weights) == Decimal("49.1")  # 0.4×0.75 + 0.3×log(351)/log(10001), no alignment
    actions.do_set_weights(plan.bappeda, plan.year, {"urgency": "1", "beneficiaries": "0", "alignment": "0"})
    assert scoring.score(u, scoring.weights_for(plan.year)) == Decimal("75.0")
    with pytest.raises(ValidationError) as exc:
        actions.do_set_weights(plan.bappeda, plan.year, {"urgency": "2", "beneficiaries": "x", "alignment": "0"})
    assert {"urgency", "beneficiaries"} <= set(exc.value.message_dict)
    actions.do_decide(people.lurah, u, Decision.DITERIMA, "Prioritas warga")
    assert u.decisions.get().rank == 1  # the score never sets the rank
