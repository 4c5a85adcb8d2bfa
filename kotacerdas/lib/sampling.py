"""Seeded random draws shared by the simulators (traffic, parking): reproducible runs for a given seed."""

from __future__ import annotations

import math
import random


def seeded(seed: int, *parts: object) -> random.Random:
    """An independent generator per (seed, parts): str seeds are hashed with SHA-512 by random.Random, so they are
    stable across runs and Python processes (unlike hash())."""
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw: Knuth's product method for small means, the normal approximation above 40."""
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k
