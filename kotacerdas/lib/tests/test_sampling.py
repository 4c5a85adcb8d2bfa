from __future__ import annotations

from statistics import fmean

from kotacerdas.lib.sampling import poisson, seeded


def test_the_same_seed_and_parts_give_the_same_draws_and_other_parts_differ():
    first, again = seeded(42, "rain", "2026-12-06"), seeded(42, "rain", "2026-12-06")
    assert [first.random() for _ in range(3)] == [again.random() for _ in range(3)]
    assert seeded(42, "rain", "a").random() != seeded(42, "rain", "b").random()


def test_poisson_draws_average_to_their_mean_on_both_sides_of_the_normal_switch():
    rng = seeded(1, "poisson")
    for mean in (0.5, 6, 120):
        draws = [poisson(rng, mean) for _ in range(4000)]
        assert min(draws) >= 0
        assert abs(fmean(draws) - mean) < 0.05 * mean + 0.05
    assert poisson(rng, 0) == 0 and poisson(rng, -3) == 0
