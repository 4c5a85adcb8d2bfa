"""Helpers shared by the browser journeys: test photos, a second browser per persona, clicking a Leaflet map at a
coordinate, and the rows a transactional test loses.

Kept out of conftest.py so the journeys import exactly what they use.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PIL import Image

# Leaflet 1.9 publishes itself with `window.L = exports`. Catching that assignment lets us register an init hook
# before any page script builds a map, so every L.Map lands in window.__kcTestMaps whatever map.js chooses to
# expose (it may expose nothing).
CAPTURE_LEAFLET_MAPS = """
(() => {
  window.__kcTestMaps = [];
  let leaflet;
  Object.defineProperty(window, "L", {
    configurable: true,
    get() { return leaflet; },
    set(value) {
      leaflet = value;
      if (value && value.Map && value.Map.addInitHook) {
        value.Map.addInitHook(function () { window.__kcTestMaps.push(this); });
      }
    },
  });
})();
"""


def jpeg_bytes(color: tuple[int, int, int] = (90, 140, 60), size: tuple[int, int] = (640, 480)) -> bytes:
    """A real JPEG (Pillow), big enough to look like a photo and small enough to upload fast."""
    image = Image.new("RGB", size, color)
    # A few stripes so the re-encoded photo is not a single flat colour.
    for x in range(0, size[0], 40):
        for y in range(size[1]):
            image.putpixel((x, y), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def make_jpeg(directory: Path, name: str, color: tuple[int, int, int] = (90, 140, 60)) -> Path:
    path = directory / name
    path.write_bytes(jpeg_bytes(color))
    return path


@contextmanager
def persona_page(browser: Any, context_args: dict[str, Any]) -> Iterator[Any]:
    """A fresh browser context (own cookies) and page: one per person in a journey, closed afterwards."""
    context = browser.new_context(**context_args)
    context.add_init_script(CAPTURE_LEAFLET_MAPS)
    try:
        yield context.new_page()
    finally:
        context.close()


def wait_for_map(page: Any, container: str) -> None:
    """Waits until the Leaflet map in `container` exists, drew its region outlines and stopped moving."""
    page.wait_for_function(
        """(sel) => {
          const el = document.querySelector(sel);
          const map = (window.__kcTestMaps || []).find((m) => m.getContainer() === el);
          if (!map) return false;
          const drawn = el.querySelectorAll(".leaflet-overlay-pane path").length > 0;
          return drawn && !map._animatingZoom && !map._panAnim?._inProgress;
        }""",
        arg=container,
        timeout=10_000,
    )


def map_point(page: Any, container: str, lat: float, lon: float) -> tuple[float, float]:
    """The page pixel (x, y) of (lat, lon) on the Leaflet map inside `container`."""
    x, y, inside = page.evaluate(
        """([sel, lat, lon]) => {
          const el = document.querySelector(sel);
          const map = window.__kcTestMaps.find((m) => m.getContainer() === el);
          const p = map.latLngToContainerPoint([lat, lon]);
          const box = el.getBoundingClientRect();
          const inside = p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height;
          return [box.left + p.x, box.top + p.y, inside];
        }""",
        [container, lat, lon],
    )
    if not inside:
        raise AssertionError(f"({lat}, {lon}) is outside the visible map {container}")
    return x, y


def click_map_at(page: Any, container: str, lat: float, lon: float) -> None:
    """Clicks the map where (lat, lon) is drawn, as a person would (scrolling the map into view first)."""
    page.locator(container).scroll_into_view_if_needed()
    wait_for_map(page, container)
    x, y = map_point(page, container, lat, lon)
    page.mouse.click(x, y)


def disable_browser_validation(page: Any, form: str = "form") -> None:
    """Turns off the browser's own `required` checks, so the server's messages are what we see.

    A phone browser with scripting quirks, an old WebView or a crafted request all reach the server unchecked;
    the Indonesian messages next to the fields must come from the server.
    """
    page.eval_on_selector_all(form, "(forms) => forms.forEach((f) => { f.noValidate = true; })")


def page_errors(page: Any) -> list[str]:
    """Every uncaught script error of the page from now on (a journey asserts the list stays empty)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
