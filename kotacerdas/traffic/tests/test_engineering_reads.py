"""How the city map, the charts and the intersection page read the registry and the rollups (bench/traffic_queries.py
measured them): few queries, and the same numbers whichever path computes them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kotacerdas.lib import traffic as tl
from kotacerdas.traffic import engineering
from kotacerdas.traffic.models import (
    Approach,
    EngineeringProfile,
    Intersection,
    Phase,
    PhaseGreen,
    Rollup15Min,
    TimingPlan,
)
from kotacerdas.traffic.tests.test_engineering import add_plan, worked  # noqa: F401 - the worked-example fixture


def test_the_map_gets_the_same_numbers_without_queue_and_scats(atcs: Any, worked: Any) -> None:  # noqa: F811
    full = engineering.states(bucket_start=atcs.now)[atcs.intersection.pk]
    light = engineering.states(bucket_start=atcs.now, detail=False)[atcs.intersection.pk]

    assert (light.los, light.delay_s, light.worst_dj, light.worst_dj_status, light.flow_vph, light.flow_skr_ph) == (
        full.los, full.delay_s, full.worst_dj, full.worst_dj_status, full.flow_vph, full.flow_skr_ph)
    assert light.los == "B"
    for a, b in zip(full.approaches, light.approaches, strict=True):
        assert (b.flow_vph, b.flow_skr_ph, b.speed_kmh, b.occupancy_pct, b.dj, b.delay_s, b.los) == (
            a.flow_vph, a.flow_skr_ph, a.speed_kmh, a.occupancy_pct, a.dj, a.delay_s, a.los)
        assert b.queue_m is None and b.scats_ds is None
    north = next(a for a in full.approaches if a.direction == "utara")
    assert north.queue_m is not None and north.scats_ds is not None  # the intersection page still has them


def test_it_loads_the_registry_in_five_queries_with_profiles_phases_and_greens(
        atcs: Any, city: Any, django_assert_num_queries: Any) -> None:
    first = add_plan(atcs)  # phase 1 serves the north approach (28 s), phase 2 the east one (22 s)
    later = TimingPlan.objects.create(controller=first.controller, name="Sore", cycle_s=90, lost_time_s=10,
                                      effective_from=atcs.now - timedelta(days=1))
    p1, p2 = Phase.objects.filter(controller=first.controller).order_by("number")
    PhaseGreen.objects.create(plan=later, phase=p2, green_s=30)  # created before phase 1: order is by number
    PhaseGreen.objects.create(plan=later, phase=p1, green_s=50)
    Approach.objects.create(intersection=atcs.intersection, direction="selatan", name="Jalan Selatan", width_m=5,
                            lanes=1)  # served by no phase
    EngineeringProfile.objects.create(intersection=atcs.intersection, side_friction=0.9,
                                      base_saturation_per_metre=700, min_cycle_s=40, source="survei 2026")
    bare = Intersection.objects.create(code="smp-2", name="Tanpa pengendali", lat=3.58, lon=98.68)
    Intersection.objects.create(code="smp-3", name="Nonaktif", lat=3.59, lon=98.68, is_active=False)
    cfg = engineering.config()

    with django_assert_num_queries(5):
        city_wide = engineering.load_geometry(None, cfg)

    assert set(city_wide) == {atcs.intersection.pk, bare.pk}
    geom = city_wide[atcs.intersection.pk]
    by_dir = {a.direction: a for a in geom.approaches}
    assert [a.direction for a in geom.approaches] == ["selatan", "timur", "utara"]
    assert by_dir["utara"].phase_ids == {p1.pk} and by_dir["timur"].phase_ids == {p2.pk}
    assert by_dir["selatan"].phase_ids == frozenset()
    assert by_dir["utara"].lane_detectors == (atcs.loop1.pk, atcs.loop2.pk) and by_dir["utara"].label == "Utara"
    assert by_dir["timur"].whole_detectors == (atcs.camera.pk,)
    assert [p.name for p in geom.plans] == ["Pagi", "Sore"]
    assert geom.plans[1].greens == ((p1.pk, 1, 50), (p2.pk, 2, 30))
    assert geom.plan_at(atcs.now).name == "Sore"
    assert geom.adjustments.side_friction == 0.9 and geom.adjustments.gradient == 1.0
    assert (geom.base_per_metre, geom.min_cycle_s, geom.max_cycle_s) == (700, 40, tl.DEFAULT_MAX_CYCLE_S)
    assert geom.profile_source == "survei 2026"
    other = city_wide[bare.pk]
    assert other.approaches == () and other.plans == ()
    assert other.adjustments == tl.PkjiAdjustments(city_size=geom.adjustments.city_size)
    assert other.base_per_metre == tl.S0_PER_METRE_PKJI and other.profile_source == ""
    with django_assert_num_queries(5):
        one = engineering.load_geometry([atcs.intersection.pk], cfg)
    assert one == {atcs.intersection.pk: geom}


def test_one_bucket_reads_the_same_sums_as_a_range(atcs: Any, worked: Any) -> None:  # noqa: F811
    one = engineering.rollup_sums(Rollup15Min, bucket=atcs.now)
    ranged = engineering.rollup_sums(Rollup15Min, since=atcs.now, until=atcs.now + timedelta(minutes=15))

    assert one == ranged and len(one) == 3
    assert one[(atcs.loop1.pk, atcs.now)].vehicles == 3 * 82


def test_readings_and_rollups_are_found_by_detector_through_their_unique_index_alone(db: None) -> None:
    from django.db import connection

    from kotacerdas.traffic.models import ROLLUPS, TrafficReading

    for model in (TrafficReading, *ROLLUPS):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        by_columns = {tuple(c["columns"]): c for c in constraints.values() if c["index"] or c["unique"]}
        time_column = "start" if model is TrafficReading else "bucket_start"
        assert by_columns[("detector_id", time_column)]["unique"], table
        assert ("detector_id",) not in by_columns, f"{table}: a second index on detector_id alone"
        assert (time_column,) in by_columns, table  # retention and city-wide ranges
