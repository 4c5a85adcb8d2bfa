"""Public complaint pages: report form, tracking, the public list and map, duplicates, support, reporter answers."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from kotacerdas.complaints import actions
from kotacerdas.complaints.models import Complaint, EventKind, Outcome, Photo, Status

pytestmark = pytest.mark.django_db

PHONE = "081298765432"
EMAIL = "budi.pelapor@contoh.id"
NIK = "1271011508900003"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def jpeg(name: str = "foto.jpg", size: tuple[int, int] = (64, 48)) -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buf, "JPEG")
    buf.seek(0)
    buf.name = name
    return buf


def form_data(city: Any, **overrides: Any) -> dict[str, Any]:
    lat, lon = city.inside
    data = {
        "title": "Sampah menumpuk di depan pasar",
        "description": "Sudah tiga hari sampah tidak diangkut dan mulai berbau busuk.",
        "category": city.cat_sampah.code,
        "classification": "pengaduan",
        "lat": str(lat), "lon": str(lon),
        "address": "Jl. Pasar Baru depan pasar",
        "reporter_name": "Budi Santoso",
        "reporter_phone": PHONE,
        "reporter_email": EMAIL,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(city: Any, user: Any = None, **overrides: Any) -> Complaint:
    data = form_data(city, **overrides)
    data.setdefault("reporter_nik", NIK)
    return actions.submit(data, user=user)


# ---------------------------------------------------------------------------------------------------------
# Report form


def test_it_shows_the_report_form_with_grouped_categories_and_the_map(client: Any, city: Any) -> None:
    response = client.get(reverse("complaints:report"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="title"' in body and 'data-kc-map="pick"' in body
    assert city.cat_sampah.name in body
    assert 'accept="image/jpeg,image/png,image/webp"' in body
    assert reverse("complaints:duplicates") in body


def test_it_stores_a_public_report_and_redirects_to_tracking(client: Any, city: Any) -> None:
    response = client.post(reverse("complaints:report"), form_data(city, reporter_nik=NIK))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.kelurahan == city.kel_pasar_baru and complaint.kecamatan == city.kec_kota
    assert complaint.reporter_phone == PHONE and complaint.reporter_nik == NIK
    # A reporter without an account comes back through the secret link.
    assert response["Location"] == f"/lacak/{complaint.tracking_no}/?t={complaint.access_token}"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert complaint.tracking_no in body and "sudah kami terima" in body


def test_it_stores_a_logged_in_report_without_contact_fields(client: Any, city: Any, people: Any) -> None:
    client.force_login(people.wati)
    data = form_data(city, reporter_name=None, reporter_phone=None, reporter_email=None)
    response = client.post(reverse("complaints:report"), data)
    complaint = Complaint.objects.get()
    assert complaint.reporter == people.wati
    assert response["Location"] == reverse("complaints:track", args=[complaint.tracking_no])


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"title": ""}, "title", "Judul wajib diisi"),
    ({"lat": "3.0", "lon": "99.5"}, "lat", "di luar wilayah Kota Medan"),
    ({"reporter_phone": "", "reporter_email": ""}, "reporter_phone", "Isi nomor HP atau e-mail"),
    ({"category": ""}, "category", "Pilih kategori aduan"),
    ({"reporter_nik": "1234"}, "reporter_nik", "NIK harus 16 digit"),
])
def test_it_rejects_bad_input_with_400_and_stores_nothing(client: Any, city: Any, overrides: dict[str, str],
                                                          field: str, message: str) -> None:
    response = client.post(reverse("complaints:report"), form_data(city, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert message in " ".join(response.context["form"].errors[field])
    assert Complaint.objects.count() == 0


def test_it_rejects_a_file_that_is_not_an_image(client: Any, city: Any) -> None:
    fake = io.BytesIO(b"%PDF-1.4 not a picture at all")
    fake.name = "surat.jpg"
    response = client.post(reverse("complaints:report"), {**form_data(city), "photos": [fake]})
    assert response.status_code == 400
    assert "surat.jpg" in " ".join(response.context["form"].errors["photos"])
    assert Complaint.objects.count() == 0 and Photo.objects.count() == 0


def test_it_rejects_more_than_five_photos(client: Any, city: Any) -> None:
    response = client.post(reverse("complaints:report"),
                           {**form_data(city), "photos": [jpeg(f"f{i}.jpg") for i in range(6)]})
    assert response.status_code == 400
    assert "Maksimal 5 foto" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_it_stores_uploaded_photos(client: Any, city: Any) -> None:
    response = client.post(reverse("complaints:report"),
                           {**form_data(city), "photos": [jpeg("a.jpg"), jpeg("b.jpg", (80, 60))]})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    photos = list(complaint.photos.order_by("id"))
    assert [(p.kind, p.width, p.height) for p in photos] == [("report", 64, 48), ("report", 80, 60)]
    page = client.get(response["Location"])
    assert photos[0].image.url in page.content.decode()


def test_it_previews_the_masked_public_text(client: Any, city: Any) -> None:
    response = client.post(reverse("complaints:preview"), {
        "title": "Lampu mati", "description": f"Hubungi saya di {PHONE} atau {EMAIL}, NIK {NIK}.",
    })
    body = response.content.decode()
    assert response.status_code == 200
    assert PHONE not in body and EMAIL not in body and NIK not in body
    assert "[nomor telepon disamarkan]" in body and "[e-mail disamarkan]" in body and "[NIK disamarkan]" in body


# ---------------------------------------------------------------------------------------------------------
# Tracking


def test_it_finds_a_complaint_by_number_and_says_when_it_does_not_exist(client: Any, city: Any) -> None:
    complaint = submit(city)
    found = client.get(reverse("complaints:track-lookup"), {"no": complaint.tracking_no.lower()})
    assert found.status_code == 302 and found["Location"] == reverse("complaints:track", args=[complaint.tracking_no])
    missing = client.get(reverse("complaints:track-lookup"), {"no": "MRK-2000-999999"})
    assert missing.status_code == 404 and "tidak ditemukan" in missing.content.decode()


def test_it_hides_a_rahasia_complaint_from_the_public_and_shows_it_to_its_reporter(
        client: Any, city: Any, people: Any) -> None:
    mine = submit(city, user=people.wati, is_rahasia=True, title="Pungutan liar di kantor kelurahan")
    anon = submit(city, is_rahasia=True, title="Pungutan liar di loket parkir")
    url = reverse("complaints:track", args=[mine.tracking_no])
    assert client.get(url).status_code == 404
    client.force_login(people.hendra)  # staff outside the case's scope
    assert client.get(url).status_code == 404
    client.force_login(people.wati)
    page = client.get(url)
    assert page.status_code == 200 and "Pungutan liar di kantor kelurahan" in page.content.decode()
    client.force_login(people.adi)
    assert client.get(url).status_code == 200
    client.logout()
    anon_url = reverse("complaints:track", args=[anon.tracking_no])
    assert client.get(anon_url).status_code == 404
    assert client.get(anon_url, {"t": "salah"}).status_code == 404
    assert client.get(anon_url, {"t": anon.access_token}).status_code == 200


def test_it_never_shows_the_reporters_identity_on_the_tracking_page(client: Any, city: Any) -> None:
    complaint = submit(city, is_anonim=True, description=f"Tolong hubungi {PHONE}, sampah sudah seminggu.")
    body = client.get(reverse("complaints:track", args=[complaint.tracking_no])).content.decode()
    for secret in (PHONE, EMAIL, NIK, "Budi", "Santoso", complaint.access_token):
        assert secret not in body
    assert "Anonim" in body and "[nomor telepon disamarkan]" in body


def test_it_shows_only_initials_for_a_named_reporter(client: Any, city: Any) -> None:
    complaint = submit(city)
    body = client.get(reverse("complaints:track", args=[complaint.tracking_no])).content.decode()
    assert "Budi S." in body and "Santoso" not in body and PHONE not in body and NIK not in body


def test_it_keeps_internal_notes_and_their_photos_off_the_tracking_page(
        client: Any, city: Any, people: Any) -> None:
    from kotacerdas.lib import images

    complaint = submit(city)
    actions.do_dispose(people.adi, complaint, city.dlh)
    photo = images.process_photo(jpeg())
    actions.do_note(people.dewi, complaint, "Catatan rahasia petugas lapangan", [photo])
    body = client.get(reverse("complaints:track", args=[complaint.tracking_no])).content.decode()
    assert "Catatan rahasia petugas" not in body
    assert complaint.photos.get().image.url not in body


# ---------------------------------------------------------------------------------------------------------
# Public list and map


def test_it_excludes_rahasia_complaints_from_the_public_list_and_geojson(client: Any, city: Any) -> None:
    public = submit(city, title="Sampah di selokan pasar")
    secret = submit(city, title="Laporan rahasia pungli", is_rahasia=True)
    body = client.get(reverse("complaints:public-list")).content.decode()
    assert public.tracking_no in body and secret.tracking_no not in body
    assert "Laporan rahasia" not in body
    data = json.loads(client.get(reverse("complaints:public-geojson")).content)
    numbers = [f["properties"]["no"] for f in data["features"]]
    assert numbers == [public.tracking_no]
    props = data["features"][0]["properties"]
    assert set(props) == {"no", "title", "category", "status", "status_label", "kelurahan", "kecamatan",
                          "created", "support", "url"}
    raw = json.dumps(data)
    assert PHONE not in raw and EMAIL not in raw and NIK not in raw and "Budi" not in raw


def test_it_filters_the_public_list_by_kecamatan(client: Any, city: Any) -> None:
    kota = submit(city)
    baru = submit(city, lat=str(city.inside_baru[0]), lon=str(city.inside_baru[1]))
    body = client.get(reverse("complaints:public-list"), {"kecamatan": city.kec_baru.code}).content.decode()
    assert baru.tracking_no in body and kota.tracking_no not in body


def test_it_shows_counts_and_recent_public_complaints_on_the_home_page(client: Any, city: Any, people: Any) -> None:
    submit(city, title="Sampah di jalan besar")
    submit(city, title="Laporan rahasia", is_rahasia=True)
    response = client.get(reverse("complaints:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["counts"]["received"] == 1
    assert "Sampah di jalan besar" in body and "Laporan rahasia" not in body
    assert reverse("complaints:report") in body and reverse("complaints:queue") not in body
    client.force_login(people.adi)
    assert reverse("complaints:queue") in client.get(reverse("complaints:home")).content.decode()


# ---------------------------------------------------------------------------------------------------------
# Duplicates and support


def test_it_suggests_a_nearby_open_complaint_and_counts_a_supporter_once(client: Any, city: Any) -> None:
    existing = submit(city)
    lat, lon = city.inside
    response = client.get(reverse("complaints:duplicates"), {
        "category": city.cat_sampah.code, "lat": str(lat + 0.0005), "lon": str(lon), "title": "Sampah",
    })
    assert existing.tracking_no in response.content.decode()
    other = client.get(reverse("complaints:duplicates"), {"category": city.cat_lampu.code, "lat": lat, "lon": lon})
    assert existing.tracking_no not in other.content.decode()

    url = reverse("complaints:support", args=[existing.tracking_no])
    bad = client.post(url, {"email": "bukan-email"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and "e-mail yang valid" in bad.content.decode()
    ok = client.post(url, {"email": "tetangga@contoh.id"}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and "dukungan Anda tercatat" in ok.content.decode()
    client.post(url, {"email": "tetangga@contoh.id"}, HTTP_HX_REQUEST="true")
    existing.refresh_from_db()
    assert existing.support_count == 1


def test_it_refuses_support_for_a_rahasia_complaint(client: Any, city: Any, people: Any) -> None:
    secret = submit(city, is_rahasia=True)
    client.force_login(people.wati)
    assert client.post(reverse("complaints:support", args=[secret.tracking_no])).status_code == 404
    secret.refresh_from_db()
    assert secret.support_count == 0


# ---------------------------------------------------------------------------------------------------------
# The reporter's answers


def resolved(city: Any, people: Any, user: Any = None) -> Complaint:
    complaint = submit(city, user=user)
    actions.do_dispose(people.adi, complaint, city.dlh)
    actions.do_respond(people.dewi, complaint, "Petugas kebersihan sudah dijadwalkan.")
    return actions.do_resolve(people.dewi, Complaint.objects.get(pk=complaint.pk), Outcome.FIXED,
                              "Sampah sudah diangkut pagi ini.")


def test_it_lets_the_reporter_confirm_and_rate_through_the_secret_link(client: Any, city: Any, people: Any) -> None:
    complaint = resolved(city, people)
    url = reverse("complaints:track", args=[complaint.tracking_no])
    assert 'name="rating"' not in client.get(url).content.decode()  # the public gets no confirm form
    page = client.get(url, {"t": complaint.access_token})
    assert 'name="rating"' in page.content.decode()

    confirm = reverse("complaints:confirm", args=[complaint.tracking_no])
    assert client.post(confirm, {"rating": "4"}).status_code == 403
    missing = client.post(confirm, {"t": complaint.access_token})
    assert missing.status_code == 400 and "Beri nilai 1 sampai 5" in missing.content.decode()
    done = client.post(confirm, {"t": complaint.access_token, "rating": "5", "comment": "Cepat, terima kasih"})
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.TUNTAS and complaint.rating == 5 and not complaint.needs_review


def test_it_lets_the_logged_in_reporter_reopen_with_a_reason(client: Any, city: Any, people: Any) -> None:
    complaint = resolved(city, people, user=people.wati)
    client.force_login(people.wati)
    url = reverse("complaints:reopen", args=[complaint.tracking_no])
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400 and "Alasan wajib diisi" in empty.content.decode()
    assert client.post(url, {"reason": "Sampahnya menumpuk lagi di tempat yang sama."}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.DIPROSES and complaint.reopen_count == 1


def test_it_lets_the_reporter_complete_a_tunda_case(client: Any, city: Any, people: Any) -> None:
    complaint = submit(city)
    actions.do_tunda(people.adi, complaint, "Mohon sebutkan nama gang yang tepat.")
    url = reverse("complaints:track", args=[complaint.tracking_no])
    page = client.get(url, {"t": complaint.access_token})
    assert "Mohon sebutkan nama gang" in page.content.decode() and 'name="info"' in page.content.decode()
    resume = reverse("complaints:resume", args=[complaint.tracking_no])
    assert client.post(resume, {"t": complaint.access_token, "info": ""}).status_code == 400
    assert client.post(resume, {"t": complaint.access_token, "info": "Gang Mawar nomor 3"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU
    assert complaint.events.filter(kind=EventKind.RESUMED).exists()


def test_it_lists_only_the_warga_own_reports(client: Any, city: Any, people: Any) -> None:
    own = submit(city, user=people.wati, is_rahasia=True, title="Aduan rahasia milik Wati")
    other = submit(city, title="Aduan orang lain")
    assert client.get(reverse("complaints:mine")).status_code == 302  # login first
    client.force_login(people.wati)
    body = client.get(reverse("complaints:mine")).content.decode()
    assert own.tracking_no in body and other.tracking_no not in body
