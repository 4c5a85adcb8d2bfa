"""E-Planning in a browser on Medan's real outlines: a lurah enters an usulan on the map, decides it at the
Musrenbang kelurahan and closes the forum with a berita acara; a camat ranks the kecamatan's usulan within the
pagu indikatif; Bappeda reads the list by OPD/program/kegiatan; anyone reads the public journey on the map.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.e2e.helpers import CAPTURE_LEAFLET_MAPS, click_map_at, page_errors, wait_for_map

PRICES = ("kode,uraian,spesifikasi,satuan,harga,kode_rekening,kategori_shsr\n"
          "HSPK-JL-001,Pengaspalan jalan lingkungan,tebal 5 cm,m2,185000,5.2.4.01,\n"
          "HSPK-DR-001,Saluran U-ditch 60x60,precast,m,1250000,5.2.4.02,\n")


@dataclass
class Scene:
    year: Any
    kel: Any
    kec: Any
    point: tuple[float, float]
    jalan: Any
    drainase: Any
    users: dict[str, Any]


def seed_scene() -> Scene:
    from shapely.geometry import shape

    from kotacerdas.accounts.models import Role, User
    from kotacerdas.agencies.models import Agency
    from kotacerdas.planning import actions
    from kotacerdas.planning.models import KamusEntry, StageWindow
    from kotacerdas.regions import geo
    from kotacerdas.regions.loader import setup_region
    from kotacerdas.regions.models import Region

    city = setup_region("12.71")
    geo.reset_cache()
    kec = Region.objects.get(code="12.71.01")
    kel = Region.objects.get(code="12.71.01.1001")
    pu = Agency.objects.create(code="dinas-sda-bm", name="Dinas Sumber Daya Air, Bina Marga dan Bina Konstruksi",
                               short_name="SDABMBK", city=city)

    def user(name: str, role: str, full: str, **extra: Any) -> Any:
        first, _s, last = full.partition(" ")
        return User.objects.create_user(username=name, password=PASSWORD, role=role, first_name=first,
                                        last_name=last, **extra)

    users = {"bappeda": user("bappeda", Role.PERENCANA, "Perencana Bappeda"),
             "lurah": user("lurah", Role.PIMPINAN, "Lurah Pasar Baru", region=kel),
             "camat": user("camat", Role.PIMPINAN, "Camat Medan Kota", region=kec)}
    year = actions.do_create_year(users["bappeda"], city, 2027)
    today = actions.local_today()
    StageWindow.objects.filter(planning_year=year).update(opens_on=today - timedelta(days=2),
                                                          closes_on=today + timedelta(days=5))
    actions.do_import_prices(users["bappeda"], "hspk", 2027, "Perwal Medan 10/2026", io.BytesIO(PRICES.encode()),
                             "hspk.csv", "12")
    codes = {"planning_year": year, "agency": pu, "urusan_code": "1.03", "rumpun": "infrastruktur"}
    jalan = KamusEntry.objects.create(code="KMS-001", name="Rehabilitasi jalan lingkungan", satuan="m2",
                                      program_code="1.03.10", program_name="Program Penyelenggaraan Jalan",
                                      kegiatan_code="1.03.10.2.01", kegiatan_name="Penyelenggaraan Jalan Kota",
                                      subkegiatan_code="1.03.10.2.01.0014", subkegiatan_name="Rehabilitasi Jalan",
                                      **codes)
    drainase = KamusEntry.objects.create(code="KMS-002", name="Normalisasi drainase lingkungan", satuan="m",
                                         program_code="1.03.03", program_name="Program Pengelolaan Drainase",
                                         kegiatan_code="1.03.03.2.01", kegiatan_name="Pengelolaan Drainase",
                                         subkegiatan_code="1.03.03.2.01.0005",
                                         subkegiatan_name="Pembangunan Sistem Drainase", **codes)
    actions.do_set_pagu(users["bappeda"], year, Decimal(60_000_000), region=kec)
    p = shape(kel.boundary).representative_point()
    return Scene(year, kel, kec, (p.y, p.x), jalan, drainase, users)


def _usulan(scene: Scene, title: str, kamus: Any, item: str, qty: int) -> Any:
    from kotacerdas.planning import actions

    return actions.do_submit_usulan(scene.users["lurah"], scene.year, actions.UsulanInput(
        source="kelurahan", kamus=kamus, title=title, lat=scene.point[0], lon=scene.point[1],
        location_text="Jl. Sutomo", volume=qty, components=[(item, qty)], urgency=3, beneficiaries=200))


@pytest.mark.django_db(transaction=True)
def test_a_lurah_enters_an_usulan_decides_it_and_closes_the_musrenbang_kelurahan(
        page: Any, live_server: Any, login: Callable[..., None], screenshot: Callable[[Any, str], Path]) -> None:
    from kotacerdas.planning.models import BeritaAcara, Usulan

    scene = seed_scene()
    other = _usulan(scene, "Gapura kelurahan", scene.jalan, "HSPK-JL-001", 20)
    errors = page_errors(page)
    page.add_init_script(CAPTURE_LEAFLET_MAPS)
    page.set_viewport_size({"width": 1360, "height": 900})
    login(page, live_server, "lurah")
    page.goto(live_server.url + "/perencanaan/usulan/baru/")
    page.get_by_label("Sumber usulan").select_option("kelurahan")
    page.get_by_label("Jenis usulan (kamus usulan)").select_option(label=str(scene.drainase))
    page.get_by_label("Nama usulan").fill("Normalisasi drainase Jalan Sutomo")
    page.get_by_label("Lokasi (nama jalan, gang, patokan)").fill("Jl. Sutomo depan pasar")
    page.get_by_label("RT/RW").fill("RW 04")
    page.get_by_label("Volume").fill("40")
    page.get_by_label("Komponen 1", exact=True).select_option("HSPK-DR-001")
    page.locator("#id_qty_1").fill("40")
    # Submitting without a map point: the server says so and nothing is stored.
    page.get_by_role("button", name="Kirim usulan").click()
    expect(page.locator(".alert-danger")).to_contain_text("Tandai titik lokasi di peta")
    click_map_at(page, "#usulan-map", *scene.point)
    expect(page.locator("#usulan-map-status")).to_contain_text("Titik:")
    screenshot(page, "planning-usulan-form")
    page.get_by_role("button", name="Kirim usulan").click()
    expect(page.locator("#usulan-status")).to_contain_text("Musrenbang kelurahan")
    u = Usulan.objects.get(title="Normalisasi drainase Jalan Sutomo")
    assert u.estimated_cost == Decimal(50_000_000) and u.kelurahan == scene.kel
    page.get_by_label("Diterima").check()
    page.get_by_label("Alasan").fill("Banjir tiap hujan; prioritas warga RW 04")
    page.get_by_role("button", name="Simpan keputusan").click()
    expect(page.locator("#usulan-status")).to_contain_text("Diterima forum")
    screenshot(page, "planning-usulan-detail")

    page.get_by_role("link", name="Buka forum").click()
    row = page.locator(f"tr[data-number='{other.number}']")
    row.locator("summary").click()
    row.locator("[data-field=decision]").select_option("ditolak")
    row.locator("[data-field=reason]").fill("Bukan prioritas; diusulkan lewat CSR")
    row.get_by_role("button", name="Simpan").click()
    expect(page.locator(f"tr[data-number='{other.number}']")).to_contain_text("Ditolak")
    page.get_by_role("button", name="Tutup forum dan teruskan usulan").click()
    expect(page.locator(".alert-danger, .alert-warning, .alert").first).to_contain_text("Berita acara wajib")
    page.get_by_label("Tempat").fill("Aula Kantor Lurah Pasar Baru")
    page.get_by_label("Pimpinan sidang").fill("Lurah Pasar Baru")
    page.get_by_label("Peserta (satu per baris)").fill("Lurah Pasar Baru\nKetua LPM\nDelegasi RW 04 (perempuan)")
    page.get_by_role("button", name="Simpan berita acara").click()
    expect(page.locator("#ba-pdf")).to_be_visible()
    pdf = page.request.get(live_server.url + page.locator("#ba-pdf").get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.get_by_role("button", name="Tutup forum dan teruskan usulan").click()
    expect(page.locator("#forum-closed")).to_be_visible()
    screenshot(page, "planning-forum-kelurahan-closed")
    u.refresh_from_db()
    other.refresh_from_db()
    assert (u.current_stage, u.status) == ("kecamatan", "menunggu")
    assert (other.current_stage, other.status) == ("kelurahan", "ditolak")
    assert BeritaAcara.objects.get().agreed[0]["number"] == u.number
    assert not errors


@pytest.mark.django_db(transaction=True)
def test_a_camat_ranks_within_the_pagu_and_the_public_sees_each_journey(
        page: Any, live_server: Any, login: Callable[..., None], screenshot: Callable[[Any, str], Path]) -> None:
    from kotacerdas.planning import actions
    from kotacerdas.planning.models import ForumDecision

    scene = seed_scene()
    lurah = scene.users["lurah"]
    a = _usulan(scene, "Rehabilitasi jalan Gang Mawar", scene.jalan, "HSPK-JL-001", 100)  # 18,5 juta
    b = _usulan(scene, "Drainase Jalan Sutomo", scene.drainase, "HSPK-DR-001", 30)  # 37,5 juta
    c = _usulan(scene, "Drainase Jalan Thamrin", scene.drainase, "HSPK-DR-001", 20)  # 25 juta
    d = _usulan(scene, "Jalan setapak makam", scene.jalan, "HSPK-JL-001", 10)
    for u in (a, b, c):
        actions.do_decide(lurah, u, "diterima", "Prioritas musyawarah kelurahan")
    actions.do_decide(lurah, d, "ditolak", "Lahan belum bersertifikat pemerintah")
    forum = actions.forum_for(a)
    actions.do_save_berita_acara(lurah, forum, actions.BeritaAcaraInput(
        held_on=actions.local_today(), place="Aula", chair="Lurah", participants="Lurah\nLPM\nRW"))
    actions.do_close_forum(lurah, forum)

    errors = page_errors(page)
    page.add_init_script(CAPTURE_LEAFLET_MAPS)
    page.set_viewport_size({"width": 1360, "height": 900})
    login(page, live_server, "camat")
    page.goto(live_server.url + "/perencanaan/forum/")
    page.get_by_role("link", name="Kecamatan Medan Kota").click()
    expect(page.locator("#pagu-amount")).to_contain_text("60.000.000")

    def decide(u: Any, decision: str, reason: str) -> None:
        row = page.locator(f"tr[data-number='{u.number}']")
        row.locator("summary").click()
        row.locator("[data-field=decision]").select_option(decision)
        row.locator("[data-field=reason]").fill(reason)
        row.get_by_role("button", name="Simpan").click()
        page.wait_for_load_state()

    decide(b, "diterima", "Banjir berulang, manfaat besar")
    decide(a, "diterima", "Akses utama warga")
    decide(c, "diterima", "Juga penting")  # 18,5 + 37,5 + 25 > 60 juta
    expect(page.locator(".alert").first).to_contain_text("melebihi pagu indikatif")
    decide(c, "belum_disepakati", "Menunggu sisa pagu tahun berikutnya")
    expect(page.locator("#accepted-total")).to_contain_text("56.000.000")
    # Re-rank by number: the road first.
    page.locator(f"input[name='rank_{a.pk}']").fill("1")
    page.locator(f"input[name='rank_{b.pk}']").fill("1")
    page.get_by_role("button", name="Simpan nomor urut").click()
    expect(page.locator(".alert").first).to_contain_text("tidak boleh kembar")
    page.locator(f"input[name='rank_{a.pk}']").fill("1")
    page.locator(f"input[name='rank_{b.pk}']").fill("2")
    page.get_by_role("button", name="Simpan nomor urut").click()
    expect(page.locator(".alert").first).to_contain_text("Nomor urut prioritas disimpan")
    ranks = dict(ForumDecision.objects.filter(stage="kecamatan", decision="diterima").values_list("usulan_id",
                                                                                                  "rank"))
    assert ranks == {a.pk: 1, b.pk: 2}
    # Or drag: b's row above a's renumbers the inputs 1, 2 in the new order.
    page.locator(f"tr[data-number='{b.number}'] .kc-drag-handle").drag_to(
        page.locator(f"tr[data-number='{a.number}']"), target_position={"x": 10, "y": 2})
    expect(page.locator(f"input[name='rank_{b.pk}']")).to_have_value("1")
    expect(page.locator(f"input[name='rank_{a.pk}']")).to_have_value("2")
    page.get_by_role("button", name="Simpan nomor urut").click()
    expect(page.locator(".alert").first).to_contain_text("Nomor urut prioritas disimpan")
    ranks = dict(ForumDecision.objects.filter(stage="kecamatan", decision="diterima").values_list("usulan_id",
                                                                                                  "rank"))
    assert ranks == {a.pk: 2, b.pk: 1}
    screenshot(page, "planning-forum-kecamatan-ranked")

    # Bappeda's list by OPD, program and kegiatan (Tabel T-D.4) with the SIPD export.
    page.context.clear_cookies()
    login(page, live_server, "bappeda")
    page.goto(live_server.url + "/perencanaan/rkpd/?tahap=kecamatan")
    expect(page.locator("#rkpd-total")).to_contain_text("56.000.000")
    expect(page.locator(".kc-opd")).to_contain_text("1.03.10 Program Penyelenggaraan Jalan")
    csv_text = page.request.get(live_server.url + "/perencanaan/rkpd/sipd.csv?tahap=kecamatan").text()
    assert a.number in csv_text and b.number in csv_text and c.number not in csv_text
    screenshot(page, "planning-rkpd-by-opd")
    page.goto(live_server.url + "/perencanaan/")
    expect(page.locator("#stage-calendar tr[data-stage='kecamatan']")).to_contain_text("Dibuka")
    screenshot(page, "planning-cycle-dashboard")

    # The public page: every usulan with its journey and the reasons, on the map, with no proposer.
    page.context.clear_cookies()
    page.goto(live_server.url + "/perencanaan/publik/12.71.01/")
    wait_for_map(page, "#public-map")
    expect(page.locator(".kc-public-usulan")).to_have_count(4)
    expect(page.locator(f"#u-{d.number}")).to_contain_text("Lahan belum bersertifikat pemerintah")
    expect(page.locator(f"#u-{c.number}")).to_contain_text("Belum disepakati")
    expect(page.locator("#public-map path.kc-plan-marker")).to_have_count(4)
    body = page.content()
    for private in ("Lurah Pasar Baru", "Camat Medan Kota", "Perencana Bappeda"):
        assert private not in body
    screenshot(page, "planning-public-kecamatan")
    assert not errors
