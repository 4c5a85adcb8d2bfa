"""The demo city "Medan Rumah Kita": region, OPD, categories with routing, role accounts and six months of
complaints replayed through the complaint actions (used by `manage.py seed_demo` and the benchmarks).

- `city`: everything but complaints (idempotent; safe to run twice);
- `texts`: Indonesian complaint texts from the templates in `data/texts.json`;
- `replay`: each complaint's life, driven through `kotacerdas.complaints.actions` with explicit `now=` times
  and `sweeps.check_case` for SLA warnings, escalations and auto-closing.

Everything in `data/` is invented for the demo except the street and place names (real places in Medan) and
the OPD names (see `kotacerdas/agencies/data/README.md` and the `source` column of `data/agencies.csv`).
"""
