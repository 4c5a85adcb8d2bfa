"""A fake SP4N-LAPOR! server that speaks Kota Cerdas' LAPOR! integration contract (see server.py).

Standalone on purpose: stdlib only, no Django, so CI, a developer laptop or a demo can run it next to the app:

    python -m kotacerdas.fake_lapor --port 8765 [--outage] [--slow SECONDS] [--duplicate-replies]
                                    [--error-rate 0.3] [--token TOKEN] [--seed N]
"""

from __future__ import annotations

from kotacerdas.fake_lapor.server import FakeLapor, FakeLaporServer, Switches, serve

__all__ = ["FakeLapor", "FakeLaporServer", "Switches", "serve"]
