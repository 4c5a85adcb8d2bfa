"""The planning screens: who sees what, forms reaching actions, exports and the public pages without PII."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import PASSWORD
from kotacerdas.planning import actions
from kotacerdas.planning.models import BeritaAcara, PriceVersion, Usulan
from kotacerdas.planning.rules import Decision, Stage

pytestmark = pytest.mark.django_db


def login(client, user) -> None:  # noqa: ANN001
    assert client.login(username=user.username, password=PASSWORD)


def test_it_keeps_staff_screens_from_warga_and_anonymous(client, plan, people) -> None:  # noqa: ANN001
    for name in ("planning:usulan-list", "planning:forum-list", "planning:rkpd", "planning:prices"):
        assert client.get(reverse(name)).status_code == 302  # to the login page
    login(client, people.wati)
    assert client.get(reverse("planning:usulan-list")).status_code == 403
    assert client.get(reverse("planning:prices")).status_code == 403
    assert client.get(reverse("planning:index")).status_code == 302  # warga: to the usulan form
    login(client, people.lurah)
    assert client.get(reverse("planning:prices")).status_code == 403
    assert client.get(reverse("planning:rkpd-csv")).status_code == 403


def test_it_enters_an_usulan_through_the_form(client, plan, people) -> None:  # noqa: ANN001
    login(client, people.lurah)
    page = client.get(reverse("planning:usulan-new"))
    assert page.status_code == 200 and "JL-001" in page.content.decode()
    lat, lon = plan.city.inside
    post = {"source": "kelurahan", "kamus": plan.kamus_jalan.pk, "title": "Jalan Gg. Melati", "lat": lat,
            "lon": lon, "location_text": "Gg. Melati", "volume": "50", "urgency": "4", "beneficiaries": "120",
            "alignment": "2", "item_1": "JL-001", "qty_1": "50"}
    bad = client.post(reverse("planning:usulan-new"), {**post, "lat": plan.city.outside[0],
                                                       "lon": plan.city.outside[1]})
    assert bad.status_code == 200 and "di luar wilayah" in bad.content.decode()
    bad = client.post(reverse("planning:usulan-new"), {**post, "photo": SimpleUploadedFile("x.jpg", b"not jpeg")})
    assert bad.status_code == 200 and not Usulan.objects.exists()
    ok = client.post(reverse("planning:usulan-new"), post)
    u = Usulan.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("planning:usulan", args=[u.number])
    assert u.estimated_cost == 50 * 185000
    detail = client.get(ok["Location"]).content.decode()
    assert "Keputusan Musrenbang kelurahan" in detail


def test_it_decides_ranks_and_closes_a_forum_through_the_screens(client, plan, people) -> None:  # noqa: ANN001
    a = plan.usulan(people.lurah, qty="10", title="A")
    b = plan.usulan(people.lurah, qty="10", title="B")
    login(client, people.lurah)
    for u in (a, b):
        r = client.post(reverse("planning:usulan-decide", args=[u.number]),
                        {"decision": Decision.DITERIMA, "reason": "Prioritas warga"})
        assert r.status_code == 302
    forum = actions.forum_for(a)
    page = client.get(reverse("planning:forum", args=[forum.pk])).content.decode()
    assert f'name="rank_{a.pk}" value="1"' in page and f'name="rank_{b.pk}" value="2"' in page
    bad = client.post(reverse("planning:forum-ranks", args=[forum.pk]), {f"rank_{a.pk}": "1", f"rank_{b.pk}": "1"},
                      follow=True)
    assert "tidak boleh kembar" in bad.content.decode()
    client.post(reverse("planning:forum-ranks", args=[forum.pk]), {f"rank_{a.pk}": "2", f"rank_{b.pk}": "1"})
    assert forum.decisions.get(usulan=b).rank == 1
    refused = client.post(reverse("planning:forum-close", args=[forum.pk]), follow=True)
    assert "Berita acara wajib" in refused.content.decode()
    today = actions.local_today().isoformat()
    client.post(reverse("planning:forum-ba", args=[forum.pk]), {
        "held_on": today, "place": "Aula", "chair": "Lurah", "participants": "Lurah\nLPM\nRW 01"})
    assert BeritaAcara.objects.filter(forum=forum).exists()
    pdf = client.get(reverse("planning:forum-pdf", args=[forum.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.post(reverse("planning:forum-close", args=[forum.pk]))
    a.refresh_from_db()
    assert a.current_stage == Stage.KECAMATAN
    # The camat of another kecamatan cannot open this forum.
    login(client, people.camat)
    assert client.get(reverse("planning:forum", args=[forum.pk])).status_code == 200  # camat sees kelurahan forums
    login(client, people.hendra)
    assert client.get(reverse("planning:forum", args=[forum.pk])).status_code == 404


def test_it_exports_accepted_usulan_as_sipd_csv_without_formulas(client, plan, people) -> None:  # noqa: ANN001
    u = plan.usulan(people.lurah, qty="10", title="=HYPERLINK(\"http://x\")")
    actions.do_decide(people.lurah, u, Decision.DITERIMA, "Prioritas")
    forum = actions.forum_for(u)
    actions.do_save_berita_acara(people.lurah, forum, actions.BeritaAcaraInput(
        held_on=actions.local_today(), place="Aula", chair="Lurah", participants="Lurah\nLPM"))
    actions.do_close_forum(people.lurah, forum)
    u.refresh_from_db()
    actions.do_decide(people.camat, u, Decision.DITERIMA, "Prioritas kecamatan")
    login(client, plan.bappeda)
    page = client.get(reverse("planning:rkpd") + "?tahap=kecamatan").content.decode()
    assert "1.03.10" in page and plan.pu.name in page
    r = client.get(reverse("planning:rkpd-csv") + "?tahap=kecamatan")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["tahun", "nomor_usulan", "sumber"]
    assert rows[1][1] == u.number and rows[1][13] == "1.03.10.2.01.0014" and rows[1][15].startswith("'=")
    assert rows[1][-1] == "1"


def test_it_imports_prices_through_the_screen_and_lists_row_errors(client, plan) -> None:  # noqa: ANN001
    login(client, plan.bappeda)
    bad = SimpleUploadedFile("h.csv", b"kode,uraian,satuan,harga\nX-1,Semen,zak,abc\n", content_type="text/csv")
    r = client.post(reverse("planning:prices"), {"kind": "hspk", "budget_year": "2027", "perwal": "Perwal 5/2026",
                                                 "file": bad})
    assert r.status_code == 200 and "Baris 2" in r.content.decode()
    assert not PriceVersion.objects.filter(kind="hspk").exists()
    good = SimpleUploadedFile("h.csv", b"kode,uraian,satuan,harga\nX-1,Semen,zak,65000\n", content_type="text/csv")
    r = client.post(reverse("planning:prices"), {"kind": "hspk", "budget_year": "2027", "perwal": "Perwal 5/2026",
                                                 "file": good})
    assert r.status_code == 302 and PriceVersion.objects.filter(kind="hspk").count() == 1


def test_it_shows_the_public_journey_without_personal_data(client, plan, people) -> None:  # noqa: ANN001
    u = plan.usulan(people.wati, source="warga")
    actions.do_decide(people.lurah, u, Decision.DITOLAK, "Lokasi di luar lahan publik")
    r = client.get(reverse("planning:public-area", args=[plan.city.kel_pasar_baru.code]))
    body = r.content.decode()
    assert r.status_code == 200 and u.number in body and "Lokasi di luar lahan publik" in body
    for private in ("Wati", "wati", "081234567890", "wati@contoh.id", "Lurah Pasar Baru"):
        assert private not in body
    kec = client.get(reverse("planning:public-area", args=[plan.city.kec_kota.code])).content.decode()
    assert u.number in kec
    assert client.get(reverse("planning:public-index")).status_code == 200
    assert client.get(reverse("planning:public-area", args=["99.99"])).status_code == 404


def test_it_lets_bappeda_edit_the_calendar_and_close_a_stage_from_the_dashboard(client, plan) -> None:  # noqa: ANN001
    login(client, plan.bappeda)
    page = client.get(reverse("planning:index"))
    assert page.status_code == 200 and "Musrenbang kecamatan" in page.content.decode()
    w = actions.window(plan.year, Stage.REMBUK)
    r = client.post(reverse("planning:stage-close", args=[w.pk]), follow=True)
    assert "ditutup" in r.content.decode()
    w.refresh_from_db()
    assert w.closed_at is not None


@pytest.mark.parametrize("path", [
    "/perencanaan/usulan/%00/", "/perencanaan/publik/%00/", "/perencanaan/usulan/" + "9" * 300 + "/",
    "/api/v1/planning/usulan/%00/", "/perencanaan/rkpd/?tahap=%00&tahun=%00", "/perencanaan/usulan/?q=%00&stage=x",
    "/api/v1/planning/usulan/?kecamatan=%00", "/api/v1/planning/public/usulan/?year=abc",
])
def test_it_answers_odd_input_without_a_server_error(client, plan, path) -> None:  # noqa: ANN001
    login(client, plan.bappeda)
    assert client.get(path).status_code < 500


def test_it_lets_a_resident_propose_at_the_rembuk_warga_and_follow_it(client, plan, people) -> None:  # noqa: ANN001
    login(client, people.wati)
    form = client.get(reverse("planning:usulan-new")).content.decode()
    assert 'value="warga"' in form and 'value="kelurahan"' not in form
    lat, lon = plan.city.inside
    r = client.post(reverse("planning:usulan-new"), {
        "source": "kelurahan", "kamus": plan.kamus_jalan.pk, "title": "Jalan", "lat": lat, "lon": lon,
        "location_text": "Gg. Melati", "volume": "5", "urgency": "3", "beneficiaries": "10", "alignment": "0",
        "item_1": "JL-001", "qty_1": "5"})
    assert r.status_code == 200 and not Usulan.objects.exists()  # a resident cannot pick another source
    r = client.post(reverse("planning:usulan-new"), {
        "source": "warga", "kamus": plan.kamus_jalan.pk, "title": "Jalan", "lat": lat, "lon": lon,
        "location_text": "Gg. Melati", "volume": "5", "urgency": "3", "beneficiaries": "10", "alignment": "0",
        "item_1": "JL-001", "qty_1": "5"})
    u = Usulan.objects.get()
    assert u.current_stage == Stage.REMBUK and u.proposer == people.wati
    assert client.get(reverse("planning:usulan", args=[u.number])).status_code == 200
    login(client, people.hendra)
    assert client.get(reverse("planning:usulan", args=[u.number])).status_code == 404  # out of scope: unseen


def test_an_opd_counts_each_usulan_once_on_its_dashboard_however_many_forums_decided_it(plan, people) -> None:  # noqa: ANN001
    # The OPD's list joins the decisions; an usulan accepted at three forums once counted three times.
    from kotacerdas.accounts.models import Role, User
    from kotacerdas.planning import selectors
    from kotacerdas.planning.models import Forum, ForumDecision

    plan.open_all()
    u = plan.usulan(people.lurah)
    Usulan.objects.filter(pk=u.pk).update(agency=plan.pu, current_stage=Stage.KOTA)
    for n, stage in enumerate((Stage.KELURAHAN, Stage.KECAMATAN, Stage.FORUM_OPD)):
        forum = Forum.objects.create(planning_year=plan.year, stage=stage, key=f"uji-{n}", name=f"Forum {n}")
        ForumDecision.objects.create(usulan=u, forum=forum, stage=stage, decision=Decision.DITERIMA,
                                     reason="Prioritas wilayah.", decided_by=plan.bappeda)
    opd = User.objects.create_user(username="opd_pu", password=PASSWORD, role=Role.PENGHUBUNG, agency=plan.pu)

    assert selectors.stage_counts(opd, plan.year) == {Stage.KOTA: 1}
    assert selectors.stage_counts(plan.bappeda, plan.year) == {Stage.KOTA: 1}
