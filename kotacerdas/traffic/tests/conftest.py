"""A tiny ATCS registry: one intersection, two approaches, three detectors, two devices and a gateway."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from kotacerdas.sensors.models import Device
from kotacerdas.traffic.models import Approach, Detector, Intersection, Lane


@dataclass
class Atcs:
    intersection: Any
    north: Any
    device: Any
    token: str
    other: Any
    other_token: str
    gateway: Any
    gateway_token: str
    loop1: Any  # north lane 1, device
    loop2: Any  # north lane 2, device
    camera: Any  # east approach, other device
    now: datetime


def make_device(code: str, **extra: Any) -> tuple[Device, str]:
    device = Device(code=code, kind=extra.pop("kind", "traffic"), owner_module="traffic", **extra)
    token = device.issue_token()
    device.save()
    return device, token


@pytest.fixture
def atcs(db) -> Atcs:  # noqa: ANN001
    inter = Intersection.objects.create(code="smp-1", name="Simpang Uji", lat=3.57, lon=98.685)
    north = Approach.objects.create(intersection=inter, direction="utara", name="Jalan Utara", width_m=7, lanes=2)
    east = Approach.objects.create(intersection=inter, direction="timur", name="Jalan Timur", width_m=6, lanes=2)
    lane1 = Lane.objects.create(approach=north, number=1)
    lane2 = Lane.objects.create(approach=north, number=2)
    device, token = make_device("ctl-1")
    other, other_token = make_device("ctl-2")
    gateway, gateway_token = make_device("pusat", is_gateway=True)
    loop1 = Detector.objects.create(code="D1", kind="loop", approach=north, lane=lane1, device=device)
    loop2 = Detector.objects.create(code="D2", kind="loop", approach=north, lane=lane2, device=device)
    camera = Detector.objects.create(code="C1", kind="camera", approach=east, device=other)
    # Whole hour, so test intervals fall in known buckets; "now" is passed explicitly where it matters.
    now = timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    return Atcs(inter, north, device, token, other, other_token, gateway, gateway_token, loop1, loop2, camera, now)
