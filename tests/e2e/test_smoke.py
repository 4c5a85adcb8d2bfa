"""The browser set-up itself: Debian chromium reaches the live server and renders its answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.mark.django_db(transaction=True)
def test_it_shows_healthz_in_the_browser(
    page: Any, live_server: Any, screenshot: Callable[[Any, str], Path]
) -> None:
    response = page.goto(live_server.url + "/healthz")

    assert response is not None and response.status == 200
    body = json.loads(page.locator("body").inner_text())
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert screenshot(page, "smoke-healthz").stat().st_size > 0
