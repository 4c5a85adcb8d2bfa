"""Playwright with Debian's chromium (no browser download), plus the helpers every journey uses.

Every test under tests/e2e is marked `e2e`, so `pytest -m "not e2e"` runs the rest on a machine without
chromium. Journeys use `@pytest.mark.django_db(transaction=True)`: the live server runs in another thread and
must see committed rows.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from conftest import PASSWORD

# Playwright's sync API runs an event loop in the test thread; without this Django refuses ORM calls from
# the test body (microsoft/playwright-pytest#29, #46).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

E2E_DIR = Path(__file__).resolve().parent
SCREENS_DIR = E2E_DIR.parent.parent / "test-results" / "screens"


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    path = chromium_path()
    if not os.access(path, os.X_OK):
        pytest.fail(f"Browser tests need Debian chromium at {path} (apt-get install chromium, or set "
                    f"CHROMIUM_PATH); run `make test PYTEST_ARGS='-m \"not e2e\"'` to leave them out.")
    return {
        **browser_type_launch_args,
        "executable_path": path,
        # --no-sandbox: CI runs as root. The background-networking flags keep chromium from hammering this
        # machine's closed network at start (see the machine notes).
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Indonesian first, like the people using it; WIB so times on screen match the city's settings.
    return {**browser_context_args, "locale": "id-ID", "timezone_id": "Asia/Jakarta"}


def login_with_form(page: Any, live_server: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login page, as a person would, and fail loudly if it did not work."""
    page.goto(live_server.url + reverse("accounts:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state()
    login_path = reverse("accounts:login")
    if re.search(re.escape(login_path) + r"(\?|$)", page.url):
        raise AssertionError(f"login as {username!r} failed; still on {page.url}")


def save_screenshot(page: Any, name: str) -> Path:
    """Full-page PNG in test-results/screens/<name>.png (CI keeps test-results/ as an artifact)."""
    SCREENS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def login() -> Callable[..., None]:
    """`login(page, live_server, username, password=PASSWORD)`; personas use conftest.PASSWORD."""
    return login_with_form


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """`screenshot(page, name)` -> path of test-results/screens/<name>.png."""
    return save_screenshot


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Photos uploaded during a journey go to the test's tmp dir, not data/media (the live server shares settings)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root
