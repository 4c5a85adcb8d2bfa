"""An operator watches the ATCS map, acknowledges an alarm and opens an intersection's charts.

The live server is WSGI, where the SSE stream is not mounted or not useful; the page must work on its own (the
map JSON, the htmx alarm panel and the 60-second poll). The stream itself is tested in
kotacerdas/traffic/tests/test_views.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.e2e.helpers import CAPTURE_LEAFLET_MAPS, page_errors, wait_for_map


def seed_atcs() -> tuple[Any, Any]:
    """Medan's regions, the demo registry, simulated readings up to the last complete bucket, one raised alarm."""
    from kotacerdas.accounts.models import Role, User
    from kotacerdas.regions.loader import setup_region
    from kotacerdas.sensors.actions import do_ingest
    from kotacerdas.sensors.models import Device
    from kotacerdas.traffic import actions, engineering, simulator
    from kotacerdas.traffic.management.commands.seed_traffic import GATEWAY
    from kotacerdas.traffic.models import Intersection

    setup_region("12.71")
    call_command("seed_traffic", "--count", "24", stdout=StringIO())
    bucket = engineering.last_complete_bucket()
    # Two hours, so the 24-hour charts draw lines and not lone points; the last bucket feeds the map.
    readings = [r.compact() for r in simulator.generate(simulator.topology_from_db(), bucket - timedelta(hours=2),
                                                        bucket + timedelta(minutes=15))]
    result = do_ingest("traffic", Device.objects.get(code=GATEWAY), readings, source="http")
    assert result.stored == len(readings) and result.rejected == 0, result
    inter = Intersection.objects.order_by("code").first()
    approach = inter.approaches.order_by("pk").first()
    alarm = actions.do_raise(kind="incident", method="zscore", key="e2e:insiden", intersection=inter,
                             approach=approach, raised_at=bucket, score=5.1,
                             reason="Arus turun tajam dan okupansi naik di lengan ini.")
    cache.clear()  # the map must be computed from the readings just stored
    operator = User.objects.create_user(username="oscar", password=PASSWORD, role=Role.OPERATOR,
                                        first_name="Oscar", last_name="Manurung")
    return alarm, operator


# A urlconf with the SSE view mounted (as kotacerdas/urls.py will have it), so the page meets a stream URL.
@pytest.mark.urls("kotacerdas.traffic.tests.test_views")
@pytest.mark.django_db(transaction=True)
def test_operator_acknowledges_an_alarm_on_the_atcs_map_and_reads_the_charts(
        page: Any, live_server: Any, login: Callable[..., None], screenshot: Callable[[Any, str], Path]) -> None:
    from kotacerdas.core.models import AuditLog
    from kotacerdas.traffic.models import AlarmState, Intersection

    alarm, _operator = seed_atcs()
    n_intersections = Intersection.objects.filter(is_active=True).count()
    errors = page_errors(page)
    page.add_init_script(CAPTURE_LEAFLET_MAPS)
    # Once kotacerdas/urls.py mounts the SSE view, an EventSource on this WSGI live server would hold a server
    # thread (and a database connection) for minutes; refuse it, so the page shows its polling fallback.
    page.route("**/events/stream*", lambda route: route.abort())

    login(page, live_server, "oscar")
    page.clock.install()
    page.goto(live_server.url + "/atcs/")
    expect(page.get_by_role("heading", name="Peta ATCS")).to_be_visible()
    wait_for_map(page, "#atcs-map")
    markers = page.locator("#atcs-map .leaflet-overlay-pane path.kc-atcs-marker")
    expect(markers).to_have_count(n_intersections)
    # Coloured by LOS: with a simulated bucket, at least one marker has a grade colour rather than grey.
    fills = set(page.eval_on_selector_all("#atcs-map path.kc-atcs-marker", "ps => ps.map(p => p.getAttribute('fill'))"))
    assert fills - {"#9aa0ac"}, fills
    expect(page.locator("#atcs-updated")).to_contain_text(f"{n_intersections} simpang")
    item = page.locator(f"#alarm-{alarm.pk}")
    expect(item).to_contain_text(alarm.intersection.name)
    expect(item).to_contain_text("Aktif")
    expect(page.locator("#atcs-map")).to_have_attribute("data-stream-url", "/events/stream")
    expect(page.locator("#atcs-live")).to_have_text("Diperbarui tiap 60 detik")
    screenshot(page, "atcs-map")

    # The fallback poll: a new alarm shows up within a minute without the stream.
    from kotacerdas.traffic import actions

    second = actions.do_raise(kind="congestion", method="dj", key="e2e:macet", intersection=alarm.intersection,
                              raised_at=alarm.raised_at, reason="DJ di atas 1 selama 30 menit.")
    page.clock.run_for(61_000)
    expect(page.locator(f"#alarm-{second.pk}")).to_contain_text("Kemacetan")
    expect(page.locator("[data-alarm-total]")).to_have_text("2")

    item.get_by_role("button", name="Terima").click()
    expect(page.locator(f"#alarm-{alarm.pk}[data-state=acknowledged]")).to_contain_text("Diterima operator")
    expect(page.locator(f"#alarm-{alarm.pk}").get_by_role("button", name="Terima")).to_have_count(0)
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.ACKNOWLEDGED
    assert AuditLog.objects.filter(action="traffic.alarm_acknowledged", target_id=str(alarm.pk)).exists()

    # Clearing needs a reason: the browser's own `required` check stops an empty one, the server the rest.
    page.locator(f"#reason-{alarm.pk}").fill("Kendaraan mogok sudah ditarik.")
    page.locator(f"#alarm-{alarm.pk}").get_by_role("button", name="Selesaikan").click()
    # ("Selesai" alone would match the button "Selesaikan" before the swap.)
    expect(page.locator(f"#alarm-{alarm.pk}[data-state=cleared]")).to_contain_text("Kendaraan mogok sudah ditarik.")
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLEARED

    page.locator(f"#alarm-{alarm.pk}").get_by_role("link", name=alarm.intersection.name).click()
    page.wait_for_url(f"**/atcs/simpang/{alarm.intersection.code}/")
    expect(page.get_by_role("heading", name=alarm.intersection.name)).to_be_visible()
    expect(page.locator("#approach-table tbody tr").first).to_be_visible()
    for key in ("flow_vph", "speed_kmh", "dj"):
        page.wait_for_function("(id) => window.Chart && Chart.getChart(document.getElementById(id))",
                               arg=f"chart-{key}")
        n_sets = page.evaluate("(id) => Chart.getChart(document.getElementById(id)).data.datasets.length",
                               f"chart-{key}")
        assert n_sets >= alarm.intersection.approaches.count()
        assert page.locator(f"#chart-{key}-table tbody tr").count() == 96
    expect(page.locator("#advice-explanation")).not_to_be_empty()
    screenshot(page, "atcs-intersection")

    page.goto(live_server.url + "/atcs/alarm/?status=semua")
    expect(page.locator(f"#alarm-{alarm.pk}")).to_contain_text("Kendaraan mogok sudah ditarik.")
    screenshot(page, "atcs-alarms")
    assert errors == []
