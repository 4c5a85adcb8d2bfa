"""Parking occupancy through the shared sensor pipeline (kotacerdas.sensors.actions.do_ingest).

`POST /api/v1/ingest/parking` (device token) or MQTT `kotacerdas/<device>/parking/...`. Accepted items (any mix):

1. Smart Data Models OnStreetParking (iot-traffic-parking §2.2), keyValues or NGSI-LD normalized:
   - the point: entity `id` `urn:ngsi-ld:OnStreetParking:<point code>` (or `refParkingSite` / `refDevice` naming
     it as the last `:` segment);
   - interval: `dateObservedFrom` + `dateObservedTo` (or `dateObserved` as `start/end`);
   - `occupiedSpotNumber` (or `totalSpotNumber` - `availableSpotNumber`) and `totalSpotNumber`;
   - extension (our @context): `arrivals` = vehicles that arrived in the interval (single-space detection).
2. Compact lines: {"p": point code, "t": ISO start or epoch s, "s": seconds, "occ": n, "tot": n, "arr": n}.

One `OccupancyReading` per (point, interval start): a resend is a duplicate, never a second row. A device reports
only for the point(s) whose `device` it is, unless it is a gateway. ParkingSpot entities (one space each) are not
accepted: the gateway that sees the spaces sums them per point, as the model's OnStreetParking does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.parking.models import OccupancyReading, ParkingPoint
from kotacerdas.sensors.actions import late_window
from kotacerdas.sensors.models import Device, Reason
from kotacerdas.sensors.registry import MeasurementHandler, Observation, Rejected, count, parse_time

INSERT_CHUNK = 500
COLUMNS = ("point_id", "start", "seconds", "occupied", "total", "arrivals", "source", "received_at")
MAX_SPACES = 10_000
# A single space turns over at most about once a minute (park, pay, leave); more arrivals than that is a fault.
MAX_ARRIVALS_PER_SPACE_MINUTE = 1.0


def _attr(item: dict[str, Any], name: str) -> Any:
    value = item.get(name)
    if isinstance(value, dict) and value.get("type") in ("Property", "Relationship", "GeoProperty"):
        return value.get("object") if value.get("type") == "Relationship" else value.get("value")
    return value


def _tail(value: Any) -> str | None:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().rsplit(":", 1)[-1]


def raw_retention() -> timedelta:
    # Leakage compares a day with its own history (expected-revenue model, iot §5.4): keep a year and a bit.
    days = timedelta(days=getattr(settings, "PARKING_OCCUPANCY_RETENTION_DAYS", 400))
    return max(days, late_window() + timedelta(days=1))


class ParkingOccupancyHandler(MeasurementHandler):
    kind = "parking"
    label = _("Okupansi parkir")
    owner_module = "parking"
    min_seconds = 60
    max_seconds = 3600
    compact_key = "p"
    sdm_type = "OnStreetParking"
    not_recognised = gettext_lazy("Bukan OnStreetParking (type) dan bukan baris ringkas (p, t, s, occ, tot).")

    def parse_compact(self, index: int, item: dict[str, Any]) -> Observation:
        key = item.get("p")
        if not isinstance(key, str) or not key:
            raise Rejected(Reason.MALFORMED, _("p (kode titik parkir) wajib berupa teks."))
        start = parse_time(item.get("t"), "t")
        seconds = count(item.get("s"), "s")
        if seconds is None:
            raise Rejected(Reason.MALFORMED, _("s (lama interval, detik) wajib."), key=key)
        values = {"occupied": count(item.get("occ"), "occ"), "total": count(item.get("tot"), "tot"),
                  "arrivals": count(item.get("arr"), "arr")}
        return Observation(index, key, start, seconds, values, item)

    def parse_sdm(self, index: int, item: dict[str, Any]) -> Observation:
        key = None
        entity_id = item.get("id")
        if isinstance(entity_id, str) and "OnStreetParking:" in entity_id:
            key = entity_id.split("OnStreetParking:", 1)[1].split(":", 1)[0] or None
        key = key or _tail(_attr(item, "refParkingSite")) or _tail(_attr(item, "refDevice"))
        if not key:
            raise Rejected(Reason.MALFORMED, _("Titik parkir tidak diketahui: id harus "
                                               "urn:ngsi-ld:OnStreetParking:<kode titik>."))
        date_from, date_to = _attr(item, "dateObservedFrom"), _attr(item, "dateObservedTo")
        if date_from is None or date_to is None:
            observed = _attr(item, "dateObserved")
            if isinstance(observed, dict) and "@value" in observed:
                observed = observed["@value"]
            if isinstance(observed, str) and "/" in observed:
                date_from, date_to = observed.split("/", 1)
            else:
                raise Rejected(Reason.MALFORMED, _("Periode pengamatan tidak ada: isi dateObservedFrom dan "
                                                   "dateObservedTo."), key=key)
        start, end = parse_time(date_from, "dateObservedFrom"), parse_time(date_to, "dateObservedTo")
        seconds = int((end - start).total_seconds())
        if seconds <= 0:
            raise Rejected(Reason.MALFORMED, _("dateObservedTo harus sesudah dateObservedFrom."), key=key)
        total = count(_attr(item, "totalSpotNumber"), "totalSpotNumber")
        occupied = count(_attr(item, "occupiedSpotNumber"), "occupiedSpotNumber")
        available = count(_attr(item, "availableSpotNumber"), "availableSpotNumber")
        if occupied is None and available is not None and total is not None:
            if available > total:
                raise Rejected(Reason.INVALID_VALUE, _("availableSpotNumber %(a)d > totalSpotNumber %(t)d.")
                               % {"a": available, "t": total}, key=key)
            occupied = total - available
        values = {"occupied": occupied, "total": total, "arrivals": count(_attr(item, "arrivals"), "arrivals")}
        return Observation(index, key, start, seconds, values, item)

    def resolve(self, device: Device | None, keys: set[str]) -> dict[str, int | Rejected]:
        found: dict[str, int | Rejected] = {}
        keys_list = sorted(k for k in keys if "\x00" not in k and len(k) <= 64)
        for i in range(0, len(keys_list), 900):
            rows = ParkingPoint.objects.filter(code__in=keys_list[i:i + 900]).values_list(
                "code", "pk", "device_id", "is_active")
            for code, pk, device_id, is_active in rows:
                if not is_active:
                    found[code] = Rejected(Reason.UNKNOWN_SENSOR, _("Titik parkir %(c)s nonaktif.") % {"c": code})
                elif device is not None and not device.is_gateway and device_id != device.pk:
                    found[code] = Rejected(Reason.NOT_OWNED, _("Titik parkir %(c)s bukan milik perangkat %(d)s.")
                                           % {"c": code, "d": device.code})
                else:
                    found[code] = pk
        return found

    def validate(self, obs: Observation) -> None:
        v = obs.values
        occupied, total, arrivals = v.get("occupied"), v.get("total"), v.get("arrivals")
        if occupied is None or total is None:
            raise Rejected(Reason.MALFORMED, _("Jumlah ruang terisi dan jumlah ruang wajib (occ/tot atau "
                                               "occupiedSpotNumber/totalSpotNumber)."))
        if total == 0 or total > MAX_SPACES:
            raise Rejected(Reason.INVALID_VALUE, _("Jumlah ruang %(t)d di luar 1-%(m)d.")
                           % {"t": total, "m": MAX_SPACES})
        if occupied > total:
            raise Rejected(Reason.INVALID_VALUE, _("Ruang terisi %(o)d melebihi jumlah ruang %(t)d.")
                           % {"o": occupied, "t": total})
        if arrivals is not None and arrivals > total * obs.seconds / 60 * MAX_ARRIVALS_PER_SPACE_MINUTE:
            raise Rejected(Reason.INVALID_VALUE, _("%(a)d kedatangan dalam %(s)d detik untuk %(t)d ruang mustahil.")
                           % {"a": arrivals, "s": obs.seconds, "t": total})

    def store(self, observations: list[Observation], *, source: str, received_at: datetime) -> list[Observation]:
        ops = connection.ops
        qn = ops.quote_name
        table = qn(OccupancyReading._meta.db_table)
        received = ops.adapt_datetimefield_value(received_at)
        row_sql = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
        head = f"INSERT INTO {table} ({', '.join(qn(c) for c in COLUMNS)}) VALUES "  # noqa: S608 - names from model meta, values bound
        tail = f" ON CONFLICT ({qn('point_id')}, {qn('start')}) DO NOTHING RETURNING {qn('point_id')}, {qn('start')}"
        new: list[Observation] = []
        with connection.cursor() as cursor:
            for i in range(0, len(observations), INSERT_CHUNK):
                chunk = observations[i:i + INSERT_CHUNK]
                params: list[Any] = []
                by_key: dict[tuple[int, datetime], Observation] = {}
                for obs in chunk:
                    v = obs.values
                    params += (obs.sensor_id, ops.adapt_datetimefield_value(obs.start), obs.seconds, v["occupied"],
                               v["total"], v.get("arrivals"), source, received)
                    by_key[(obs.sensor_id, obs.start)] = obs
                cursor.execute(head + ", ".join([row_sql] * len(chunk)) + tail, params)
                for point_id, start in cursor.fetchall():
                    new.append(by_key[(point_id, _aware(start))])
        return new

    def prune(self, now: datetime) -> int:
        return OccupancyReading.objects.filter(start__lt=now - raw_retention()).delete()[0]


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
