"""Routing classifier accuracy on the demo city, held out by time.

Seeds the demo city (seed_demo, 2,000 complaints over 6 months by default) into a throw-away database, trains
on the dispositions of the first 80% of the period and tests on the last 20% (the model always meets future
complaints), then prints accuracy and macro-F1 for category and OPD, the most common confusions, and the
majority-class baseline for comparison.

Note: the demo texts come from templates (kotacerdas/core/demo/data/texts.json) with ~5% of citizens picking
a neighbouring category, so these figures describe the method on synthetic data, not on a real city's inbox.

    .venv/bin/python bench/classifier_accuracy.py [--db postgres] [--complaints 2000] [--seed 42]
"""

from __future__ import annotations

import io
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import common  # noqa: E402

HOLDOUT_SHARE = 0.2


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--complaints", type=int, default=2000)
    p.add_argument("--months", type=int, default=6)
    p.add_argument("--seed", type=int, default=42)
    args = p.parse_args()
    common.prepare(args.db)
    common.setup_django()

    from django.core.management import call_command

    from kotacerdas.complaints import classifier

    began = time.perf_counter()
    call_command("seed_demo", "--complaints", str(args.complaints), "--months", str(args.months),
                 "--seed", str(args.seed), "--no-train", stdout=io.StringIO())
    seeded = time.perf_counter() - began
    data = classifier.examples()
    first, last = data[0].at, data[-1].at
    cutoff = first + (last - first) * (1 - HOLDOUT_SHARE)
    train = [e for e in data if e.at < cutoff]
    test = [e for e in data if e.at >= cutoff]
    began = time.perf_counter()
    bundle = classifier.fit(train)
    fit_seconds = time.perf_counter() - began
    m = classifier.evaluate(bundle, test, top=6)

    majority_cat = Counter(e.category for e in train).most_common(1)[0][0]
    majority_ag = Counter(e.agency for e in train).most_common(1)[0][0]
    base_cat = sum(e.category == majority_cat for e in test) / len(test)
    base_ag = sum(e.agency == majority_ag for e in test) / len(test)

    print(f"classifier_accuracy: {common.engine_label(args.db)}; demo {args.complaints} aduan "
          f"(benih {args.seed}) dibuat dalam {seeded:.0f} dtk")
    print(f"  latih {len(train)} aduan sebelum {cutoff:%Y-%m-%d}, uji {len(test)} aduan sesudahnya; "
          f"{len({e.category for e in data})} kategori, {len({e.agency for e in data})} OPD; fit {fit_seconds:.1f} dtk")
    print(f"  kategori: akurasi {m.category_accuracy:.1%}, macro-F1 {m.category_macro_f1:.3f} "
          f"(baseline kelas terbanyak {base_cat:.1%})")
    print(f"  OPD:      akurasi {m.agency_accuracy:.1%}, macro-F1 {m.agency_macro_f1:.3f} "
          f"(baseline kelas terbanyak {base_ag:.1%})")
    print("  kekeliruan kategori teratas (benar -> tebakan: jumlah):")
    for truth, guess, n in m.category_confusions:
        print(f"    {truth} -> {guess}: {n}")
    print("  kekeliruan OPD teratas:")
    for truth, guess, n in m.agency_confusions:
        print(f"    {truth} -> {guess}: {n}")


if __name__ == "__main__":
    main()
