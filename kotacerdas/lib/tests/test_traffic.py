"""Traffic engineering formulas, each against a worked example computed by hand in the comments."""

from __future__ import annotations

import math

import pytest

from kotacerdas.lib import traffic as t


def test_it_converts_counts_to_skr_with_pkji_factors_by_default() -> None:
    # PKJI APILL protected: 300 SM × 0.15 + 100 KR × 1.0 + 10 KB × 1.3 = 45 + 100 + 13 = 158 skr.
    assert t.to_pcu({"SM": 300, "KR": 100, "KB": 10}) == pytest.approx(158.0)


def test_it_accepts_mkji_tables_and_aliases_and_sdm_vehicle_types() -> None:
    # MKJI 1997 protected: 300 MC × 0.2 + 100 LV + 10 HV × 1.3 = 60 + 100 + 13 = 173 smp.
    assert t.to_pcu({"MC": 300, "LV": 100, "HV": 10}, t.EMP_MKJI1997_APILL_PROTECTED) == pytest.approx(173.0)
    # SDM vehicleType: 40 motorcycle + 20 motorscooter → 60 SM × 0.40 (opposed) = 24; 5 car = 5; 2 bus × 1.3 = 2.6.
    counts = {"motorcycle": 40, "motorscooter": 20, "car": 5, "bus": 2}
    assert t.to_pcu(counts, t.EKR_PKJI_APILL_OPPOSED) == pytest.approx(31.6)


def test_it_refuses_unknown_classes_and_negative_counts() -> None:
    with pytest.raises(ValueError):
        t.to_pcu({"bicycle": 3})
    with pytest.raises(ValueError):
        t.to_pcu({"KR": -1})


def test_it_turns_a_count_per_interval_into_an_hourly_flow() -> None:
    # 50 vehicles in 5 minutes: 50 × 3600 / 300 = 600 kend/jam.
    assert t.flow_per_hour(50, 300) == pytest.approx(600.0)
    assert t.flow_per_hour(0, 300) == 0.0
    with pytest.raises(ValueError):
        t.flow_per_hour(10, 0)
    with pytest.raises(ValueError):
        t.flow_per_hour(-1, 60)


def test_it_computes_space_mean_speed_and_density() -> None:
    # Harmonic mean of 30 and 60 km/h: 2 / (1/30 + 1/60) = 2 / 0.05 = 40 km/h (not the arithmetic 45).
    assert t.space_mean_speed([30, 60]) == pytest.approx(40.0)
    assert t.space_mean_speed([30, 0]) == 0.0
    # k = q / v = 1200 / 40 = 30 kend/km.
    assert t.density(1200, 40) == pytest.approx(30.0)


def test_it_computes_pkji_saturation_flow_with_adjustments() -> None:
    # LE = 7.0 m: S0 = 600 × 7 = 4200; F_UK (2.4 M, Medan) = 1.00; F_HS = 0.93; F_BKa = 1 + 0.26 × 0.25 = 1.065;
    # F_BKi = 1 − 0.16 × 0.1 = 0.984. S = 4200 × 0.93 × 1.065 × 0.984 = 3906 × 1.065 × 0.984 = 4093.33 skr/jam.
    adj = t.PkjiAdjustments(
        city_size=t.city_size_factor(2.4),
        side_friction=0.93,
        right_turn=t.right_turn_factor(0.25),
        left_turn=t.left_turn_factor(0.1),
    )
    assert t.city_size_factor(2.4) == 1.0
    assert t.saturation_flow_pkji(7.0, adj) == pytest.approx(4093.33176)
    assert t.saturation_flow(effective_width_m=7.0, adjustments=adj) == pytest.approx(4093.33176)
    # A surveyed base overrides 600 per metre: 550 × 7 = 3850.
    assert t.saturation_flow(effective_width_m=7.0, base=550) == pytest.approx(3850.0)


def test_it_bands_city_size_factors() -> None:
    assert t.city_size_factor(0.05) == 0.82
    assert t.city_size_factor(0.5) == 0.83
    assert t.city_size_factor(0.8) == 0.94
    assert t.city_size_factor(10.6) == 1.05


def test_it_computes_hcm_saturation_flow() -> None:
    # 2 lanes of 3.0 m, 10 % heavy (E_T = 2), +2 % grade: f_w = 1 + (3.0 − 3.6)/9 = 0.93333;
    # f_HV = 100 / (100 + 10 × 1) = 0.90909; f_g = 1 − 2/200 = 0.99.
    # s = 1900 × 2 × 0.93333 × 0.90909 × 0.99 = 3546.67 × 0.90909 × 0.99 = 3192.0 pc/h.
    assert t.saturation_flow_hcm(2, lane_width_m=3.0, heavy_share=0.1, grade_percent=2) == pytest.approx(3192.0)
    assert t.saturation_flow(method="hcm", lanes=1) == pytest.approx(1900.0)
    with pytest.raises(ValueError):
        t.saturation_flow(method="hcm")
    with pytest.raises(ValueError):
        t.saturation_flow_hcm(0)


def test_it_computes_capacity_and_degree_of_saturation() -> None:
    # C = 1800 × 30 / 60 = 900; DJ = 600 / 900 = 0.667.
    cap = t.capacity(1800, 30, 60)
    assert cap == pytest.approx(900.0)
    assert t.degree_of_saturation(600, cap) == pytest.approx(2 / 3)
    assert t.degree_of_saturation(0, cap) == 0.0
    with pytest.raises(ValueError):
        t.capacity(1800, 70, 60)  # green longer than the cycle
    with pytest.raises(ValueError):
        t.degree_of_saturation(100, 0)
    with pytest.raises(ValueError):
        t.capacity(-1, 30, 60)


def test_it_bands_dj_by_the_configurable_colours() -> None:
    assert t.saturation_status(0.75) == "hijau"
    assert t.saturation_status(0.8) == "kuning"
    assert t.saturation_status(0.95) == "merah"
    assert t.saturation_status(1.02) == "lewat_jenuh"


def test_it_computes_webster_delay() -> None:
    # c = 60, g = 30 → λ = 0.5; s = 1800/h = 0.5/s; q = 600/h = 1/6 per s; x = (1/6) / (0.5 × 0.5) = 2/3.
    # 1st: 60 × 0.25 / (2 × (1 − 1/3)) = 15 / (4/3) = 11.25
    # 2nd: (4/9) / (2 × 1/6 × 1/3) = (4/9) / (1/9) = 4.0
    # 3rd: 0.65 × (60 × 36)^(1/3) × (2/3)^4.5 = 0.65 × 12.927 × 0.16128 = 1.3552
    # d = 11.25 + 4.0 − 1.3552 = 13.895 s
    assert t.webster_delay(60, 30, 600, 1800) == pytest.approx(13.895, abs=1e-3)


def test_it_gives_the_random_arrival_delay_at_zero_flow() -> None:
    # q = 0: only the first term, 60 × 0.25 / 2 = 7.5 s.
    assert t.webster_delay(60, 30, 0, 1800) == pytest.approx(7.5)
    assert t.average_delay(60, 30, 0, 1800) == pytest.approx(7.5)  # PKJI: DJ = 0, NQ1 = 0


def test_it_refuses_webster_at_or_above_saturation_but_average_delay_falls_back() -> None:
    with pytest.raises(ValueError):
        t.webster_delay(60, 30, 900, 1800)  # x = 1
    # Fallback is the HCM form; see the worked example below (76.18 s at x = 1.1).
    assert t.average_delay(60, 30, 990, 1800, method="webster") == pytest.approx(76.181, abs=1e-3)


def test_it_computes_pkji_delay_below_saturation() -> None:
    # C = 900, DJ = 2/3, RH = 0.5. Uniform: 60 × 0.5 × 0.25 / (1 − 1/3) = 7.5 / (2/3) = 11.25.
    # NQ1 = 0.25 × 900 × [−1/3 + √(1/9 + 8 × (1/6) / 900)] = 225 × (−0.333333 + 0.335548) = 0.4983 skr.
    # Overflow: 0.4983 × 3600 / 900 = 1.9934. TL = 13.243 s → LOS B.
    d = t.pkji_delay(60, 30, 600, 1800)
    assert d.uniform == pytest.approx(11.25)
    assert d.overflow == pytest.approx(1.9934, abs=1e-4)
    assert d.geometric == 0.0
    assert d.total == pytest.approx(13.243, abs=1e-3)
    assert t.level_of_service(d.total) == "B"
    assert t.average_delay(60, 30, 600, 1800) == pytest.approx(d.traffic)


def test_it_adds_pkji_geometric_delay_when_turning_share_is_known() -> None:
    # NQ = NQ1 + NQ2 = 0.4983 + 60 × 0.5 / (2/3) × 600/3600 = 0.4983 + 7.5 = 7.9983 skr.
    # RKH = 0.9 × 7.9983 / (600 × 60) × 3600 = 0.7198. TG = (1 − 0.7198) × 0.3 × 6 + 0.7198 × 4 = 0.5044 + 2.8793.
    d = t.pkji_delay(60, 30, 600, 1800, turning_share=0.3)
    assert d.geometric == pytest.approx(3.3837, abs=1e-4)
    assert t.pkji_stop_ratio(0, 0, 60) == 0.0


def test_it_stays_finite_when_oversaturated() -> None:
    # q = 990, C = 900 → DJ = 1.1. Uniform (DJ capped at 1): 7.5 / (1 − 0.5) = 15.
    # NQ1 = 225 × [0.1 + √(0.01 + 8 × 0.6 / 900)] = 225 × (0.1 + 0.123828) = 50.361 skr; × 4 = 201.445 s.
    # TL = 216.445 s → F.
    pkji = t.average_delay(60, 30, 990, 1800)
    assert pkji == pytest.approx(216.445, abs=1e-3)
    assert t.level_of_service(pkji) == "F"
    # HCM: d1 = 15; d2 = 900 × 0.25 × [0.1 + √(0.01 + 8 × 0.5 × 1 × 1.1 / (900 × 0.25))]
    #        = 225 × (0.1 + √0.0295556) = 225 × (0.1 + 0.171917) = 61.181; d = 76.181 s.
    assert t.hcm_delay(60, 30, 990, 1800) == pytest.approx(76.181, abs=1e-3)
    assert t.average_delay(60, 30, 990, 1800, method="hcm") == pytest.approx(76.181, abs=1e-3)


def test_it_handles_permanent_green() -> None:
    assert t.uniform_delay(60, 60, 1.2) == 0.0
    assert t.pkji_queue(60, 60, 2000, 1800).during_red == 0.0


def test_it_rejects_an_unknown_delay_method() -> None:
    with pytest.raises(ValueError):
        t.average_delay(60, 30, 100, 1800, method="magic")  # type: ignore[arg-type]


def test_it_weights_intersection_delay_by_flow() -> None:
    # (600 × 13.2 + 300 × 30) / 900 = (7920 + 9000) / 900 = 18.8 s.
    assert t.intersection_delay([13.2, 30.0], [600, 300]) == pytest.approx(18.8)
    # No flow anywhere: the plain mean, (10 + 20) / 2 = 15.
    assert t.intersection_delay([10.0, 20.0], [0, 0]) == pytest.approx(15.0)
    with pytest.raises(ValueError):
        t.intersection_delay([10.0], [1, 2])
    with pytest.raises(ValueError):
        t.intersection_delay([10.0], [-1])


@pytest.mark.parametrize(
    ("delay", "grade"),
    [(0, "A"), (5.0, "A"), (5.05, "B"), (15.0, "B"), (15.1, "C"), (25, "C"), (40, "D"), (60, "E"), (60.1, "F")],
)
def test_it_grades_los_by_pm_96_2015(delay: float, grade: str) -> None:
    assert t.level_of_service(delay) == grade


def test_it_grades_infinite_delay_f_and_refuses_negative_delay() -> None:
    assert t.level_of_service(math.inf) == "F"
    with pytest.raises(ValueError):
        t.level_of_service(-1)


def test_it_estimates_the_pkji_queue_and_its_length() -> None:
    # NQ = 7.9983 skr (see geometric example); PA = 7.9983 × 20 / 3.5 = 45.705 m.
    q = t.pkji_queue(60, 30, 600, 1800)
    assert q.overflow == pytest.approx(0.49834, abs=1e-5)
    assert q.during_red == pytest.approx(7.5)
    assert t.queue_length_pkji(q.total, 3.5) == pytest.approx(45.705, abs=1e-3)
    # Zero flow: no queue.
    assert t.pkji_queue(60, 30, 0, 1800).total == 0.0


def test_it_converts_a_queue_to_vehicles_and_metres_with_the_vehicle_mix() -> None:
    # 8 skr; mix 70 % SM, 25 % KR, 5 % KB: skr/veh = 0.7 × 0.15 + 0.25 × 1 + 0.05 × 1.3 = 0.42 → 19.048 veh.
    # m/veh = 0.7 × 1.0 + 0.25 × 7.0 + 0.05 × 12.0 = 3.05 → 19.048 × 3.05 = 58.095 m; on 2 lanes 29.048 m.
    mix = {"SM": 0.7, "KR": 0.25, "KB": 0.05}
    one = t.queue_from_skr(8, mix)
    assert one.vehicles == pytest.approx(19.0476, abs=1e-4)
    assert one.metres == pytest.approx(58.095, abs=1e-3)
    assert t.queue_from_skr(8, mix, lanes=2).metres == pytest.approx(29.048, abs=1e-3)
    with pytest.raises(ValueError):
        t.queue_from_skr(8, {"SM": 0.5, "KR": 0.2})  # shares do not sum to 1


def test_it_computes_scats_degree_of_saturation_and_congestion() -> None:
    # g = 30, unused (space) time h = 12, n = 10 vehicles at t = 1.0 s: DS = (30 − (12 − 10)) / 30 = 0.9333.
    ds = t.scats_degree_of_saturation(30, 12, 10, 1.0)
    assert ds == pytest.approx(0.93333, abs=1e-5)
    # Vk = 0.9333 × 30 × 0.5 veh/s = 14.0.
    assert t.scats_reconstituted_volume(ds, 30, 0.5) == pytest.approx(14.0)
    # Saturated green (h = 0.6, n = 6): DS = (30 − (0.6 − 6)) / 30 = 1.18; Vk = 1.18 × 30 × 0.5 = 17.7;
    # Vk / Vo = 17.7 / 6 = 2.95 > 2.4 → congested. With Vo = 10: 1.77 → not congested.
    ds2 = t.scats_degree_of_saturation(30, 0.6, 6, 1.0)
    assert ds2 == pytest.approx(1.18)
    vk = t.scats_reconstituted_volume(ds2, 30, 0.5)
    assert t.scats_congested(ds2, vk, 6)
    assert not t.scats_congested(ds2, vk, 10)
    assert not t.scats_congested(ds, 14.0, 1)  # DS ≤ 0.95
    assert t.scats_congested(1.0, 5.0, 0)
    with pytest.raises(ValueError):
        t.scats_degree_of_saturation(30, 31, 0, 1.0)


def test_it_computes_webster_optimal_cycle() -> None:
    # L = 12 s, Y = 0.6: C0 = (1.5 × 12 + 5) / (1 − 0.6) = 23 / 0.4 = 57.5 s.
    assert t.webster_cycle_unbounded(12, 0.6) == pytest.approx(57.5)
    assert t.webster_cycle(12, 0.6) == pytest.approx(57.5)
    # Reference note example: L = 10, Y = 0.65 → 20 / 0.35 = 57.14 s.
    assert t.webster_cycle(10, 0.65) == pytest.approx(57.142857)


def test_it_clamps_the_cycle_to_controller_bounds() -> None:
    # L = 12, Y = 0.1: 23 / 0.9 = 25.6 s → min 30. L = 16, Y = 0.85: 29 / 0.15 = 193.3 → max 150.
    assert t.webster_cycle(12, 0.1) == 30.0
    assert t.webster_cycle(16, 0.85) == 150.0
    lo, hi = t.CYCLE_RANGE_MKJI_BY_PHASES[2]
    assert t.webster_cycle(16, 0.85, min_cycle_s=lo, max_cycle_s=hi) == 80.0
    # Y ≥ 1: nothing works; unbounded refuses, bounded gives the maximum.
    with pytest.raises(ValueError):
        t.webster_cycle_unbounded(12, 1.0)
    assert t.webster_cycle(12, 1.05) == 150.0


def test_it_splits_green_in_proportion_to_flow_ratios() -> None:
    # C = 57.5, L = 12 → 45.5 s of green; y = 0.35 and 0.25 (Y = 0.6):
    # g1 = 45.5 × 0.35 / 0.6 = 26.542; g2 = 45.5 × 0.25 / 0.6 = 18.958.
    g = t.green_split(57.5, 12, [0.35, 0.25])
    assert g == pytest.approx((26.5417, 18.9583), abs=1e-4)
    # Note example: (57 − 10) × 0.35 / 0.65 = 25.3 and 47 × 0.30 / 0.65 = 21.7.
    assert t.green_split(57, 10, [0.35, 0.30]) == pytest.approx((25.3077, 21.6923), abs=1e-4)


def test_it_holds_short_phases_at_minimum_green() -> None:
    # 60 s cycle, 10 s lost → 50 s; y = 0.45 / 0.05: 45 and 5 → phase 2 held at 10, phase 1 gets 40.
    assert t.green_split(60, 10, [0.45, 0.05], min_green_s=10) == pytest.approx((40.0, 10.0))
    # No demand: equal split, 25 / 25.
    assert t.green_split(60, 10, [0.0, 0.0]) == pytest.approx((25.0, 25.0))
    with pytest.raises(ValueError):
        t.green_split(25, 10, [0.3, 0.3], min_green_s=10)


def test_it_advises_webster_timing_with_the_expected_delay_change() -> None:
    # Two phases, S = 1800, q = 630 (y = 0.35) and 450 (y = 0.25), L = 12 s; running plan c = 120, g = 54/54.
    # Running plan, phase 1: C = 1800 × 54/120 = 810, DJ = 0.7778; uniform = 60 × 0.55² / (1 − 0.45 × 0.7778)
    #   = 18.15 / 0.65 = 27.923; NQ1 = 202.5 × (−0.22222 + √(0.049383 + 8 × 0.27778 / 810)) = 1.2332 skr,
    #   × 3600/810 = 5.481 → 33.404 s.
    # Phase 2: DJ = 0.5556; uniform = 18.15 / 0.75 = 24.2; NQ1 = 0.125 → 0.555 s → 24.755 s.
    # Intersection: (630 × 33.404 + 450 × 24.755) / 1080 = 29.80 s → LOS D.
    # Webster: C0 = 57.5, greens 26.54 / 18.96 (test above); its delay from the same function.
    phases = [t.PhaseDemand(630, 1800), t.PhaseDemand(450, 1800)]
    advice = t.advise_timing(phases, t.SignalPlan(120, (54, 54)), 12)
    assert advice.current_performance.phase_delays_s == pytest.approx((33.404, 24.755), abs=1e-3)
    assert advice.current_performance.delay_s == pytest.approx(29.800, abs=1e-3)
    assert advice.current_performance.los == "D"
    assert advice.recommended.cycle_s == pytest.approx(57.5)
    assert advice.recommended.greens_s == pytest.approx((26.5417, 18.9583), abs=1e-4)
    expected_new = t.evaluate_plan(phases, advice.recommended).delay_s
    assert advice.recommended_performance.delay_s == pytest.approx(expected_new)
    assert advice.delay_change_s == pytest.approx(expected_new - 29.800, abs=1e-3)
    assert advice.delay_change_s < -2
    assert advice.delay_change_pct == pytest.approx(100 * advice.delay_change_s / advice.current_performance.delay_s)
    assert advice.change_recommended
    assert advice.flow_ratio_sum == pytest.approx(0.6)
    assert "Disarankan" in advice.explanation and "29,8" in advice.explanation


def test_it_keeps_a_plan_that_is_already_close_to_webster() -> None:
    phases = [t.PhaseDemand(630, 1800), t.PhaseDemand(450, 1800)]
    advice = t.advise_timing(phases, t.SignalPlan(57.5, (26.5, 19.0)), 12)
    assert not advice.change_recommended
    assert abs(advice.delay_change_s) < 2
    assert "dipertahankan" in advice.explanation


def test_it_flags_an_oversaturated_intersection() -> None:
    # y = 900/1800 + 1000/1800 = 0.5 + 0.556 = 1.056 ≥ 1 → maximum cycle 150 s.
    phases = [t.PhaseDemand(900, 1800), t.PhaseDemand(1000, 1800)]
    advice = t.advise_timing(phases, t.SignalPlan(100, (44, 44)), 12)
    assert advice.oversaturated
    assert advice.recommended.cycle_s == 150.0
    assert "lewat jenuh" in advice.explanation
    assert math.isfinite(advice.recommended_performance.delay_s)
    assert advice.recommended_performance.los == "F"


def test_it_refuses_a_plan_that_does_not_match_the_phases() -> None:
    with pytest.raises(ValueError):
        t.evaluate_plan([t.PhaseDemand(600, 1800)], t.SignalPlan(60, (20, 20)))
    with pytest.raises(ValueError):
        _ = t.PhaseDemand(-5, 1800).flow_ratio
