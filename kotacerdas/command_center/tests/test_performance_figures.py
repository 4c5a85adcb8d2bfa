"""The performance figures over hand-made cases: medians and p90, on-time share, fairness, backlog, sync."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Q

from kotacerdas.command_center import performance
from kotacerdas.command_center.models import CaseFact
from kotacerdas.command_center.tests.conftest import MON, NOV, at
from kotacerdas.complaints import actions

PERIOD = performance.Period(*NOV)
NOW = at(30)  # figures as on 30 Nov 2026


def league(dimension: str = "opd", qs=None):  # noqa: ANN001, ANN201
    performance.sync()
    return {r["code"]: r for r in performance.league(qs or CaseFact.objects.all(), dimension, PERIOD, NOW)}


@pytest.mark.django_db
def test_it_computes_median_and_p90_of_the_time_to_first_response(cases):
    # Responses after 0.5, 1, 2, 3 and 4 working days (Mon 09:00 + ...; Monday to Friday, no holiday).
    for hours in (12, 24, 48, 72, 96):
        cases.handled(MON, respond_after=timedelta(hours=hours), resolve_after=timedelta(days=4, hours=1))
    row = league()["dinas-lingkungan-hidup"]
    assert row["received"] == 5
    assert row["response_med"] == pytest.approx(2.0)
    assert row["response_p90"] == pytest.approx(3.6)  # percentile_cont: 3 + 0.6 * (4 - 3)
    assert row["on_time_pct"] == 100.0
    assert row["rating_avg"] == 5.0


@pytest.mark.django_db
def test_it_ranks_by_on_time_share_and_counts_a_late_response_as_a_red_mark(cases, city, people):
    cases.handled(MON)
    cases.handled(MON, respond_after=timedelta(days=8), resolve_after=timedelta(days=9))  # 6 hk; limit 5 hk
    c = cases.file(MON, category=city.cat_lampu)
    c = cases.dispose(c, MON, agency=city.dishub)
    c = cases.respond(c, MON + timedelta(days=1))
    actions.do_resolve(people.hendra, c, "fixed", "Lampu sudah diganti, menyala lagi.", now=MON + timedelta(days=2))
    rows = league()
    dlh, dishub = rows["dinas-lingkungan-hidup"], rows["dinas-perhubungan"]
    assert dlh["late"] == 1 and dlh["on_time"] == 1 and dlh["on_time_pct"] == 50.0
    assert dishub["on_time_pct"] == 100.0
    assert dishub["rank"] == 1 and dlh["rank"] == 2


@pytest.mark.django_db
def test_it_excludes_bukan_wewenang_from_every_figure(cases, people):
    cases.handled(MON)
    c = cases.file(MON)
    actions.do_close_unverified(people.adi, c, "bukan_wewenang", "Jalan nasional, kewenangan BBPJN.", now=MON)
    performance.sync()
    total = performance.totals(CaseFact.objects.all(), PERIOD, NOW)
    assert total["received"] == 1
    assert total["excluded"] == 1
    assert total["verify_med"] == pytest.approx(0.0)  # only the counted case (verified at once)


@pytest.mark.django_db
def test_it_charges_a_rerouted_case_to_the_receiving_unit_only(cases, city):
    c = cases.file(MON)
    c = cases.dispose(c, MON)  # DLH
    c = cases.reroute(c, at(9), city.dishub)  # DLH held it 5 working days: not DLH's red mark
    cases.respond(c, at(10))
    rows = league()
    assert "dinas-lingkungan-hidup" not in rows
    dishub = rows["dinas-perhubungan"]
    assert dishub["received"] == 1 and dishub["late"] == 0
    assert dishub["response_med"] == pytest.approx(1.0)


@pytest.mark.django_db
def test_it_counts_an_open_case_past_its_limit_as_overdue_backlog(cases):
    c = cases.file(MON)
    cases.dispose(c, MON)  # no response: 5 hk run out on Mon 9 Nov
    cases.handled(MON)
    performance.sync()
    total = performance.totals(CaseFact.objects.all(), PERIOD, NOW)
    assert total["backlog"] == 1 and total["overdue_now"] == 1 and total["late"] == 1
    assert total["age_3"] == 0 and total["age_1"] == 1  # 28 days old on 30 Nov: the 8-30 day bucket
    assert list(performance.flagged(CaseFact.objects.all(), "lewat-tenggat", NOW).values_list("pk", flat=True)) \
        == [c.pk]


@pytest.mark.django_db
def test_it_groups_by_kecamatan_kelurahan_and_officer(cases, city, people):
    c = cases.file(MON)
    c = cases.dispose(c, MON)
    c = cases.assign(c, MON + timedelta(hours=1))
    cases.respond(c, MON + timedelta(days=1))
    cases.handled(MON, where=city.inside_baru)
    assert set(league("kecamatan")) == {city.kec_kota.code, city.kec_baru.code}
    assert set(league("kelurahan")) == {city.kel_pasar_baru.code, city.kel_babura.code}
    assert set(league("petugas")) == {str(people.putra.pk)}


@pytest.mark.django_db
def test_it_folds_new_timeline_entries_into_the_facts_on_sync(cases):
    c = cases.file(MON)
    assert performance.sync() == 1
    assert performance.sync() == 0  # nothing new
    cases.dispose(c, MON + timedelta(hours=2))
    assert performance.sync() == 1
    fact = CaseFact.objects.get(pk=c.pk)
    assert fact.verify_days == pytest.approx(2 / 24, abs=1e-3) and fact.in_backlog


@pytest.mark.django_db
def test_it_gives_trends_per_week_and_month(cases):
    cases.handled(MON)
    cases.handled(MON + timedelta(days=7))
    performance.sync()
    weeks = performance.trend(CaseFact.objects.all(), "week", PERIOD, NOW)
    months = performance.trend(CaseFact.objects.all(), "month", PERIOD, NOW)
    assert [w["bucket"].isoformat() for w in weeks] == ["2026-11-02", "2026-11-09"]
    assert [(m["bucket"].isoformat(), m["received"]) for m in months] == [("2026-11-01", 2)]


def test_it_interpolates_percentiles_like_postgresql():
    assert performance.percentile([], 0.5) is None
    assert performance.percentile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert performance.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.9) == pytest.approx(4.6)


@pytest.mark.django_db
def test_it_scopes_facts_with_the_selector_filter(cases, city):
    cases.handled(MON)
    cases.handled(MON, where=city.inside_baru)
    performance.sync()
    assert CaseFact.objects.filter(Q(kecamatan_id=city.kec_kota.pk)).count() == 1


@pytest.mark.django_db
def test_it_serves_cached_figures_until_they_age_and_refreshes_at_once_after_a_dispute_decision(
        cases, people, settings):
    from kotacerdas.command_center import actions
    from kotacerdas.command_center.models import DisputeStatus

    settings.COMMAND_CENTER_FIGURES_MAX_AGE = 300
    late = cases.handled(MON, respond_after=timedelta(days=8), resolve_after=timedelta(days=9))
    performance.sync()
    qs = CaseFact.objects.all()
    first = performance.figures("test", qs, "opd", PERIOD)
    assert first["total"]["received"] == 1
    cases.handled(MON)
    performance.sync()
    # A new case within the max age: the same (cached) figures.
    assert performance.figures("test", qs, "opd", PERIOD)["total"]["received"] == 1
    dispute = actions.open_dispute(people.kepala_dlh, late, "Lokasi tergenang banjir tiga hari, truk tidak masuk.")
    actions.decide(people.adi, dispute, DisputeStatus.DITERIMA, "Banjir tercatat BPBD.")
    fresh = performance.figures("test", qs, "opd", PERIOD)
    assert fresh["total"]["received"] == 2 and fresh["total"]["late"] == 0
    settings.COMMAND_CENTER_FIGURES_MAX_AGE = 0
    cases.handled(MON)
    performance.sync()
    assert performance.figures("test", qs, "opd", PERIOD)["total"]["received"] == 3


def _event(complaint, event_id: int, when) -> None:  # noqa: ANN001
    from kotacerdas.complaints.models import ComplaintEvent

    ComplaintEvent.objects.create(id=event_id, complaint=complaint, at=when, kind="comment", message="catatan")


@pytest.mark.django_db
def test_an_entry_committed_after_a_sync_passed_its_id_is_still_folded_in(cases):
    # PostgreSQL hands out ids at insert: a slow transaction can commit id n after id n + 1 was read.
    from kotacerdas.command_center.models import FactWatermark
    from kotacerdas.complaints.models import Complaint, ComplaintEvent

    slow, fast = cases.file(MON), cases.file(MON)
    performance.sync(now=NOW)
    top = ComplaintEvent.objects.order_by("-id").values_list("id", flat=True).first()
    _event(fast, top + 2, MON + timedelta(hours=1))  # committed first
    assert performance.sync(now=NOW) == 1
    assert FactWatermark.objects.get().gaps == {str(top + 1): NOW.isoformat()}

    # The slow transaction commits: it changed the case and took the skipped id for its timeline entry.
    Complaint.objects.filter(pk=slow.pk).update(rating=2)
    _event(slow, top + 1, MON + timedelta(hours=2))

    assert performance.sync(now=NOW + timedelta(seconds=5)) == 1
    assert FactWatermark.objects.get().gaps == {}
    assert CaseFact.objects.get(pk=slow.pk).rating == 2  # the facts saw the late transaction
    assert performance.sync(now=NOW + timedelta(seconds=10)) == 0


@pytest.mark.django_db
def test_a_skipped_id_that_never_arrives_is_forgotten_after_the_patience(cases, settings):
    from kotacerdas.command_center.models import FactWatermark
    from kotacerdas.complaints.models import ComplaintEvent

    settings.COMMAND_CENTER_FACTS_GAP_SECONDS = 600
    c = cases.file(MON)
    performance.sync(now=NOW)
    top = ComplaintEvent.objects.order_by("-id").values_list("id", flat=True).first()
    _event(c, top + 3, MON + timedelta(hours=1))  # top + 1 and top + 2 rolled back
    performance.sync(now=NOW)
    assert set(FactWatermark.objects.get().gaps) == {str(top + 1), str(top + 2)}

    performance.sync(now=NOW + timedelta(seconds=599))
    assert len(FactWatermark.objects.get().gaps) == 2  # still waited for
    assert performance.sync(now=NOW + timedelta(seconds=601)) == 0
    assert FactWatermark.objects.get().gaps == {}


@pytest.mark.django_db(transaction=True)
def test_a_page_view_does_not_wait_for_a_sync_that_is_running(cases):
    import threading

    from django.db import connection, connections, transaction

    from kotacerdas.command_center.models import FactWatermark

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: there is no row lock to wait for")
    cases.file(MON)
    performance.sync()
    cases.file(MON)
    locked, release = threading.Event(), threading.Event()

    def worker_sync() -> None:  # holds the watermark row as a long sync would
        try:
            with transaction.atomic():
                FactWatermark.objects.select_for_update().get(pk=1)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker_sync)
    thread.start()
    try:
        assert locked.wait(10)
        assert performance.sync() == 0  # at once, not after the other sync
    finally:
        release.set()
        thread.join()
    assert performance.sync() == 1  # the next view folds the new case in
