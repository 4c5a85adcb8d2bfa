"""Screens and API: access by role, privacy of NIK and contact, bad input, the AK/1 PDF and its public check."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from kotacerdas.jobs import actions
from kotacerdas.jobs.models import Stage
from kotacerdas.jobs.tests.conftest import PDF_BYTES


def client_for(client, user):
    client.force_login(user)
    return client


def test_it_shows_public_pages_without_personal_data(jobs, client) -> None:
    application = actions.do_apply(jobs.sari.user, jobs.vacancy)
    card = jobs.sari.cards.get()
    pages = [reverse("jobs:vacancies"), reverse("jobs:vacancies") + "?q=kasir&education=sma",
             reverse("jobs:vacancy", args=[jobs.vacancy.pk]), reverse("jobs:events"),
             reverse("jobs:ak1-verify", args=[card.token])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for secret in (jobs.sari.nik, jobs.sari.user.email, jobs.sari.user.phone, jobs.sari.address):
            assert secret not in html, (url, secret)
    verify = client.get(reverse("jobs:ak1-verify", args=[card.token])).content.decode()
    assert "asli dan berlaku" in verify and card.number not in verify and "Sari" not in verify
    assert client.get(reverse("jobs:ak1-verify", args=["palsu"])).status_code == 404
    assert application.pk


def test_it_gives_the_public_api_no_personal_data(jobs) -> None:
    actions.do_apply(jobs.sari.user, jobs.vacancy)
    api = APIClient()
    body = api.get("/api/v1/jobs/vacancies/?q=kasir").json()
    assert body["count"] == 1 and body["results"][0]["company"] == "Toko Maju"
    assert jobs.sari.nik not in str(body)
    assert api.get("/api/v1/jobs/vacancies/?sector=ZZ").status_code == 400
    assert api.get("/api/v1/jobs/applications/").status_code == 401
    assert api.get("/api/v1/jobs/statistics/").status_code == 401
    card = jobs.sari.cards.get()
    check = api.get(f"/api/v1/jobs/ak1/verify/{card.token}/").json()
    assert check["valid"] is True and check["number"].endswith("****") and set(check) == {
        "number", "status", "valid", "issued_on", "valid_until"}


def test_it_shows_applicant_contact_to_the_owner_company_only(jobs) -> None:
    actions.do_apply(jobs.sari.user, jobs.vacancy)
    owner, other, seeker = APIClient(), APIClient(), APIClient()
    owner.force_authenticate(jobs.toko_staf)
    other.force_authenticate(jobs.baru_admin)
    seeker.force_authenticate(jobs.sari.user)
    rows = owner.get("/api/v1/jobs/applications/").json()["results"]
    assert rows[0]["applicant"]["email"] == jobs.sari.user.email and jobs.sari.nik not in str(rows)
    assert other.get("/api/v1/jobs/applications/").json()["count"] == 0
    mine = seeker.get("/api/v1/jobs/applications/").json()["results"]
    assert mine[0]["stage"] == "dikirim"


def test_it_moves_stages_over_the_api_with_field_errors(jobs) -> None:
    application = actions.do_apply(jobs.sari.user, jobs.vacancy)
    owner = APIClient()
    owner.force_authenticate(jobs.toko_staf)
    url = f"/api/v1/jobs/applications/{application.pk}/stage/"
    bad = owner.post(url, {"stage": "ditempatkan"}, format="json")
    assert bad.status_code == 400 and "stage" in bad.json()
    assert owner.post(url, {"stage": "diterima", "note": "Lengkap"}, format="json").json()["stage"] == "diterima"
    seeker = APIClient()
    seeker.force_authenticate(jobs.sari.user)
    assert seeker.post(url, {"stage": "seleksi"}, format="json").status_code == 403  # she sees it, cannot move it
    matches = owner.get(f"/api/v1/jobs/vacancies/{jobs.vacancy.pk}/matches/").json()
    assert matches[0]["name"] == jobs.sari.user.display_name and "email" not in matches[0]
    stranger = APIClient()
    stranger.force_authenticate(jobs.baru_admin)
    assert stranger.get(f"/api/v1/jobs/vacancies/{jobs.vacancy.pk}/matches/").status_code == 403


def test_it_applies_over_the_api(jobs) -> None:
    seeker = APIClient()
    seeker.force_authenticate(jobs.budi.user)
    response = seeker.post(f"/api/v1/jobs/vacancies/{jobs.vacancy.pk}/apply/", {}, format="json")
    assert response.status_code == 400 and "card" in response.json()
    seeker.force_authenticate(jobs.sari.user)
    assert seeker.post(f"/api/v1/jobs/vacancies/{jobs.vacancy.pk}/apply/", {}, format="json").status_code == 201


def test_it_gates_staff_screens_by_role(jobs, client, people) -> None:
    assert client.get(reverse("jobs:disnaker")).status_code == 302  # to login
    client_for(client, jobs.sari.user)
    for name in ("jobs:disnaker", "jobs:seekers", "jobs:stats", "jobs:company"):
        assert client.get(reverse(name)).status_code == 403, name
    client_for(client, jobs.dina)
    for name in ("jobs:disnaker", "jobs:seekers", "jobs:stats"):
        assert client.get(reverse(name)).status_code == 200, name
    assert jobs.sari.nik in client.get(reverse("jobs:seeker", args=[jobs.sari.pk])).content.decode()
    client_for(client, people.oscar)
    assert client.get(reverse("jobs:stats")).status_code == 200
    assert client.get(reverse("jobs:seekers")).status_code == 403


def test_it_prints_the_ak1_pdf_for_its_holder_and_disnaker_only(jobs, client) -> None:
    card = jobs.sari.cards.get()
    url = reverse("jobs:ak1-pdf", args=[card.pk])
    client_for(client, jobs.sari.user)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    client_for(client, jobs.budi.user)
    assert client.get(url).status_code == 404
    client_for(client, jobs.dina)
    assert client.get(url).status_code == 200


def test_it_registers_a_seeker_through_the_form_with_indonesian_errors(jobs, client) -> None:
    response = client.post(reverse("jobs:seeker-register"), {"nik": "12345", "full_name": "", "email": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "NIK harus 16 angka" in html and "Nama wajib diisi" in html
    ok = client.post(reverse("jobs:seeker-register"), {
        "full_name": "Andi Siregar", "email": "andi@contoh.id", "phone": "081234500099", "password": "rahasia-uji-123",
        "password2": "rahasia-uji-123", "nik": "1271052002000002", "birth_place": "Medan", "birth_date": "2000-02-20",
        "gender": "L", "marital_status": "belum_kawin", "religion": "islam", "address": "Jl. Babura 3",
        "kecamatan": str(jobs.city.kec_baru.pk), "education": "sma", "skills": "las", "experience_years": "0"})
    assert ok.status_code == 302 and ok.url == reverse("jobs:me")
    assert client.get(reverse("jobs:me")).status_code == 200


def test_it_uploads_a_cv_and_rejects_a_renamed_file(jobs, client) -> None:
    client_for(client, jobs.sari.user)
    bad = client.post(reverse("jobs:profile"), {"part": "cv", "cv": SimpleUploadedFile("cv.pdf", b"GIF89a...")})
    assert "CV harus berupa berkas PDF" in bad.content.decode()
    good = client.post(reverse("jobs:profile"), {"part": "cv", "cv": SimpleUploadedFile("cv.pdf", PDF_BYTES)})
    assert good.status_code == 302


def test_it_runs_the_employer_screens(jobs, client) -> None:
    application = actions.do_apply(jobs.sari.user, jobs.vacancy)
    client_for(client, jobs.toko_staf)
    page = client.get(reverse("jobs:company-vacancy", args=[jobs.vacancy.pk])).content.decode()
    assert jobs.sari.user.email in page and jobs.sari.nik not in page
    response = client.post(reverse("jobs:application-stage", args=[application.pk]), {"stage": "wawancara"},
                           follow=True)
    assert "tidak dapat dipindahkan" in response.content.decode()
    client.post(reverse("jobs:application-stage", args=[application.pk]), {"stage": "diterima"})
    application.refresh_from_db()
    assert application.stage == Stage.DITERIMA
    client_for(client, jobs.baru_admin)
    assert client.get(reverse("jobs:company-vacancy", args=[jobs.vacancy.pk])).status_code == 404
    assert client.get(reverse("jobs:application-cv", args=[application.pk])).status_code == 404


def test_it_renders_every_screen_for_every_role_without_errors(jobs, client, people) -> None:
    from kotacerdas.jobs.models import JobEvent

    application = actions.do_apply(jobs.sari.user, jobs.vacancy)
    event = actions.do_create_event(jobs.dina, actions.check_event(jobs.dina, {
        "kind": "pelatihan", "title": "Pelatihan kasir", "venue": "BLK", "starts_on": "2030-01-02",
        "ends_on": "2030-01-03", "capacity": "5", "companies": [jobs.toko.pk]}))
    assert JobEvent.objects.count() == 1
    card = jobs.sari.cards.get()
    urls = [reverse("jobs:vacancies"), reverse("jobs:vacancy", args=[jobs.vacancy.pk]), reverse("jobs:events"),
            reverse("jobs:event", args=[event.pk]), reverse("jobs:me"), reverse("jobs:profile"),
            reverse("jobs:company"), reverse("jobs:vacancy-new"),
            reverse("jobs:company-vacancy", args=[jobs.vacancy.pk]), reverse("jobs:disnaker"),
            reverse("jobs:seekers") + "?q=sari", reverse("jobs:seeker", args=[jobs.sari.pk]), reverse("jobs:stats"),
            reverse("jobs:event-new"), reverse("jobs:seeker-register"), reverse("jobs:company-register"),
            reverse("jobs:ak1-verify", args=[card.token]), reverse("jobs:application-cv", args=[application.pk]),
            reverse("jobs:vacancies") + "?page=abc&salary=x&kecamatan=zz"]
    for user in (None, jobs.sari.user, jobs.budi.user, jobs.toko_admin, jobs.baru_admin, jobs.dina, people.oscar,
                 people.wati):
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            status = client.get(url).status_code
            assert status in (200, 302, 403, 404), (user, url, status)


def test_it_keeps_nik_out_of_the_logs(jobs, client, caplog) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    client.post(reverse("jobs:seeker-register"), {"nik": "1271052002000002", "full_name": "Andi", "email": "a@b.id"})
    actions.do_apply(jobs.sari.user, jobs.vacancy)
    assert "1271052002000002" not in caplog.text and jobs.sari.nik not in caplog.text


def test_it_answers_unknown_or_malformed_ids_with_a_json_404(jobs) -> None:
    api = APIClient()
    for url in ("/api/v1/jobs/ak1/verify/bukan-token/", "/api/v1/jobs/vacancies/null,null/",
                "/api/v1/jobs/vacancies/1.5/", "/api/v1/jobs/events/%C2%84/"):
        response = api.get(url)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", url
