"""Concurrent batches on PostgreSQL: several web workers (or HTTP beside MQTT) upsert the same rollup rows."""

from __future__ import annotations

import threading
import time
from datetime import UTC, timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from kotacerdas.sensors import actions
from kotacerdas.sensors.models import Device
from kotacerdas.traffic.models import Rollup5Min, RollupHour, TrafficReading


def lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # inside a transaction the view is otherwise frozen
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def wait_for_lock_waiters(n: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while lock_waiters() < n:
        assert time.monotonic() < deadline, f"expected {n} sessions waiting for a row lock"
        time.sleep(0.02)


def test_batches_listing_shared_rollup_rows_in_opposite_orders_do_not_deadlock(transactional_db: Any,
                                                                              atcs: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time (BEGIN IMMEDIATE): nothing to interleave")

    def batch(minute: int, codes: list[str]) -> list[dict[str, Any]]:
        start = (atcs.now + timedelta(minutes=minute)).astimezone(UTC).isoformat()
        return [{"d": code, "t": start, "s": 60, "n": {"car": 2}} for code in codes]

    actions.do_ingest("traffic", atcs.gateway, batch(0, ["D1", "D2", "C1"]), source="http")  # rollup rows exist
    stored: list[int] = []
    errors: list[BaseException] = []

    def send(items: list[dict[str, Any]]) -> None:
        try:
            gateway = Device.objects.get(pk=atcs.gateway.pk)
            stored.append(actions.do_ingest("traffic", gateway, items, source="http").stored)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    # Two devices list the same three detectors in opposite orders. A third session holds D2's 5-minute row, so
    # the first batch stops there holding D1's row; the second then comes in. Had it locked C1's row first (its own
    # order), each batch would wait for the other once D2 is free: PostgreSQL would abort one with a deadlock.
    with transaction.atomic():
        Rollup5Min.objects.select_for_update().get(detector=atcs.loop2)
        first = threading.Thread(target=send, args=(batch(1, ["D1", "D2", "C1"]),))
        first.start()
        wait_for_lock_waiters(1)
        second = threading.Thread(target=send, args=(batch(2, ["C1", "D2", "D1"]),))
        second.start()
        wait_for_lock_waiters(2)
    first.join(30)
    second.join(30)

    assert errors == []
    assert stored == [3, 3]
    assert TrafficReading.objects.count() == 9
    for model in (Rollup5Min, RollupHour):
        assert sorted(model.objects.values_list("readings", "vehicles")) == [(3, 6)] * 3
