"""Traffic's measurement handler for the shared sensor pipeline (kotacerdas.sensors.actions.do_ingest).

Accepted items (any mix in one batch):

1. Smart Data Models TrafficFlowObserved, keyValues or NGSI-LD normalized (iot-traffic-parking.md §2.1):
   - detector: `refDevice` (a URN, last `:` segment = detector code) or else the entity `id`
     `urn:ngsi-ld:TrafficFlowObserved:<detector code>[:anything]`;
   - interval: `dateObservedFrom` + `dateObservedTo`, or `dateObserved` as an ISO interval `start/end`;
   - `intensity` = vehicles in the period (a count); with `vehicleType` it counts that class only, and entities
     of several classes for the same detector and interval in one batch are merged into one reading;
   - `averageVehicleSpeed` km/h; `occupancy` is a FRACTION 0-1 in the model and is stored as percent;
   - extension (our @context): `vehicleCounts` {"motor": n, "car": n, "heavy": n}.
2. Compact NDJSON/JSON lines: {"d": detector, "t": ISO start or epoch s, "s": seconds,
   "n": {"motor": n, "car": n, "heavy": n}, "v": speed km/h, "o": occupancy %}.

Storage is one INSERT ... ON CONFLICT (detector, start) DO NOTHING RETURNING per chunk, so concurrent HTTP and
MQTT copies of the same reading are stored once and only truly new rows reach the rollups. Rollups are additive
upserts (ON CONFLICT DO UPDATE SET x = x + excluded.x): order of arrival does not matter, so late and
out-of-order readings inside the late window land in the right buckets. Readings are bucketed by their start.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from kotacerdas.sensors.actions import late_window
from kotacerdas.sensors.models import Device, Reason
from kotacerdas.sensors.registry import MeasurementHandler, Observation, Rejected, count, number, parse_time
from kotacerdas.traffic.models import ROLLUPS, Detector, TrafficReading

CLASSES = ("motor", "car", "heavy")
# Smart Data Models vehicleType -> PKJI class (SM sepeda motor, KR kendaraan ringan, KB kendaraan berat).
VEHICLE_TYPES = {
    **dict.fromkeys(("motorcycle", "motorcycleWithSideCar", "motorscooter", "moped"), "motor"),
    **dict.fromkeys(("car", "carOrLightVehicle", "van", "minibus", "fourWheelDrive", "ambulance", "police",
                     "carWithCaravan", "carWithTrailer", "caravan", "taxi"), "car"),
    **dict.fromkeys(("bus", "lorry", "articulatedVehicle", "highSidedVehicle", "tanker", "trailer",
                     "agriculturalVehicle", "constructionOrMaintenanceVehicle", "fireTender", "sweepingMachine"),
                    "heavy"),
    "anyVehicle": None,
}
SHORT_CLASSES = {"m": "motor", "c": "car", "h": "heavy", "motor": "motor", "car": "car", "heavy": "heavy"}
MAX_SPEED_KMH = 250.0
INSERT_CHUNK = 500
COLUMNS = ("detector_id", "start", "seconds", "motor", "car", "heavy", "vehicles", "flow", "speed", "occupancy",
           "source", "received_at")
ROLLUP_SUMS = ("readings", "seconds", "count_seconds", "vehicles", "motor", "car", "heavy", "speed_sum", "speed_n",
               "occupancy_sum", "occupancy_seconds")


def _attr(item: dict[str, Any], name: str) -> Any:
    """An attribute's value in keyValues or NGSI-LD normalized form ({"type": "Property", "value": ...})."""
    value = item.get(name)
    if isinstance(value, dict) and value.get("type") in ("Property", "Relationship", "GeoProperty"):
        return value.get("object") if value.get("type") == "Relationship" else value.get("value")
    return value


def _urn_tail(value: Any, name: str) -> str:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str) or not value.strip():
        raise Rejected(Reason.MALFORMED, _("%(f)s tidak ada atau bukan teks.") % {"f": name})
    return value.strip().rsplit(":", 1)[-1]


def max_vehicles_per_second() -> float:
    # A detector may cover a whole approach; 10 vehicles/s (36,000 veh/h) is beyond any Medan approach.
    return getattr(settings, "TRAFFIC_MAX_VEHICLES_PER_SECOND", 10.0)


def raw_retention() -> timedelta:
    days = timedelta(days=getattr(settings, "TRAFFIC_RAW_RETENTION_DAYS", 90))
    # Never shorter than the late window: a resend inside the window must still find its first copy.
    return max(days, late_window() + timedelta(days=1))


class TrafficHandler(MeasurementHandler):
    kind = "traffic"
    label = _("Lalu lintas (ATCS)")
    owner_module = "traffic"
    min_seconds = 10
    max_seconds = 3600

    # parse ------------------------------------------------------------------------------------------------------

    def normalize(self, items: list[Any]) -> list[Observation | Rejected]:
        out = super().normalize(items)
        # Per-class TrafficFlowObserved entities of one detector and interval become one reading.
        merged: dict[tuple[str, datetime, int], Observation] = {}
        result: list[Observation | Rejected] = []
        for obs in out:
            if isinstance(obs, Observation) and obs.values.pop("_partial", False):
                ident = (obs.key, obs.start, obs.seconds)
                first = merged.get(ident)
                if first is None:
                    merged[ident] = obs
                    result.append(obs)
                else:
                    _merge(first, obs)
                continue
            result.append(obs)
        return result

    def parse_item(self, index: int, item: Any) -> Observation:
        if not isinstance(item, dict):
            raise Rejected(Reason.MALFORMED, _("Setiap data harus objek JSON."))
        if "d" in item:
            return self._compact(index, item)
        kind = item.get("type")
        if isinstance(kind, str) and kind.endswith("TrafficFlowObserved"):
            return self._sdm(index, item)
        raise Rejected(Reason.MALFORMED, _("Bukan TrafficFlowObserved (type) dan bukan baris ringkas (d, t, s)."))

    def _compact(self, index: int, item: dict[str, Any]) -> Observation:
        key = item.get("d")
        if not isinstance(key, str) or not key:
            raise Rejected(Reason.MALFORMED, _("d (kode detektor) wajib berupa teks."))
        start = parse_time(item.get("t"), "t")
        seconds = count(item.get("s"), "s")
        if seconds is None:
            raise Rejected(Reason.MALFORMED, _("s (lama interval, detik) wajib."), key=key)
        counts = item.get("n")
        values: dict[str, Any] = {}
        if counts is not None:
            if not isinstance(counts, dict):
                raise Rejected(Reason.MALFORMED, _("n harus objek {motor, car, heavy}."), key=key)
            for name, value in counts.items():
                if name == "total":
                    values["vehicles"] = count(value, "n.total")
                    continue
                cls = SHORT_CLASSES.get(name)
                if cls is None:
                    raise Rejected(Reason.MALFORMED, _("Golongan kendaraan tidak dikenal: %(n)s") % {"n": name},
                                   key=key)
                values[cls] = count(value, f"n.{name}")
        values["speed"] = number(item.get("v"), "v")
        values["occupancy"] = number(item.get("o"), "o")
        return Observation(index, key, start, seconds, values, item)

    def _sdm(self, index: int, item: dict[str, Any]) -> Observation:
        ref = _attr(item, "refDevice")
        if ref is not None:
            key = _urn_tail(ref, "refDevice")
        else:
            entity_id = item.get("id")
            parts = entity_id.split(":") if isinstance(entity_id, str) else []
            if len(parts) < 4 or not parts[3]:
                raise Rejected(Reason.MALFORMED, _("Detektor tidak diketahui: isi refDevice, atau id "
                                                   "urn:ngsi-ld:TrafficFlowObserved:<kode detektor>."))
            key = parts[3]
        date_from, date_to = _attr(item, "dateObservedFrom"), _attr(item, "dateObservedTo")
        if date_from is None or date_to is None:
            observed = _attr(item, "dateObserved")
            if isinstance(observed, dict) and "@value" in observed:
                observed = observed["@value"]
            if isinstance(observed, str) and "/" in observed:
                date_from, date_to = observed.split("/", 1)
            else:
                raise Rejected(Reason.MALFORMED, _("Periode pengamatan tidak ada: isi dateObservedFrom dan "
                                                   "dateObservedTo (atau dateObserved 'awal/akhir')."), key=key)
        start, end = parse_time(date_from, "dateObservedFrom"), parse_time(date_to, "dateObservedTo")
        seconds = int((end - start).total_seconds())
        if seconds <= 0:
            raise Rejected(Reason.MALFORMED, _("dateObservedTo harus sesudah dateObservedFrom."), key=key)
        values: dict[str, Any] = {}
        intensity = count(_attr(item, "intensity"), "intensity")
        vehicle_type = _attr(item, "vehicleType")
        by_class = _attr(item, "vehicleCounts")
        if vehicle_type is not None:
            if vehicle_type not in VEHICLE_TYPES:
                raise Rejected(Reason.MALFORMED, _("vehicleType %(t)s tidak dihitung sebagai kendaraan bermotor "
                                                   "(PKJI).") % {"t": vehicle_type}, key=key)
            cls = VEHICLE_TYPES[vehicle_type]
            if cls is not None:
                values[cls] = intensity
                values["_partial"] = True
            else:
                values["vehicles"] = intensity
        elif isinstance(by_class, dict):
            for name, value in by_class.items():
                cls = SHORT_CLASSES.get(name)
                if cls is None:
                    raise Rejected(Reason.MALFORMED, _("Golongan kendaraan tidak dikenal: %(n)s") % {"n": name},
                                   key=key)
                values[cls] = count(value, f"vehicleCounts.{name}")
            if intensity is not None:
                values["vehicles"] = intensity
        else:
            values["vehicles"] = intensity
        values["speed"] = number(_attr(item, "averageVehicleSpeed"), "averageVehicleSpeed")
        occupancy = number(_attr(item, "occupancy"), "occupancy")
        if occupancy is not None and occupancy > 1:
            raise Rejected(Reason.INVALID_VALUE, _("occupancy %(v)s > 1: di TrafficFlowObserved okupansi adalah "
                                                   "pecahan 0-1, bukan persen.") % {"v": occupancy}, key=key)
        values["occupancy"] = occupancy * 100 if occupancy is not None else None
        return Observation(index, key, start, seconds, values, item)

    # resolve and validate ---------------------------------------------------------------------------------------

    def resolve(self, device: Device | None, keys: set[str]) -> dict[str, int | Rejected]:
        found: dict[str, int | Rejected] = {}
        keys_list = sorted(k for k in keys if "\x00" not in k and len(k) <= 64)  # PostgreSQL refuses NUL
        for i in range(0, len(keys_list), 900):  # SQLite's bound-parameter limit on older builds
            rows = Detector.objects.filter(code__in=keys_list[i:i + 900]).values_list(
                "code", "pk", "device_id", "is_active")
            for code, pk, device_id, is_active in rows:
                if not is_active:
                    found[code] = Rejected(Reason.UNKNOWN_SENSOR, _("Detektor %(c)s nonaktif.") % {"c": code})
                elif device is not None and not device.is_gateway and device_id != device.pk:
                    found[code] = Rejected(Reason.NOT_OWNED, _("Detektor %(c)s bukan milik perangkat %(d)s.")
                                           % {"c": code, "d": device.code})
                else:
                    found[code] = pk
        return found

    def validate(self, obs: Observation) -> None:
        v = obs.values
        classified = [v.get(c) for c in CLASSES if v.get(c) is not None]
        if classified:
            total = sum(classified)
            if v.get("vehicles") is None:
                v["vehicles"] = total
            elif v["vehicles"] < total:
                raise Rejected(Reason.INVALID_VALUE, _("Jumlah kendaraan %(n)d lebih kecil dari jumlah per golongan "
                                                       "%(s)d.") % {"n": v["vehicles"], "s": total})
        vehicles = v.get("vehicles")
        if vehicles is not None and vehicles > obs.seconds * max_vehicles_per_second():
            raise Rejected(Reason.INVALID_VALUE, _("%(n)d kendaraan dalam %(s)d detik mustahil.")
                           % {"n": vehicles, "s": obs.seconds})
        speed = v.get("speed")
        if speed is not None and not 0 <= speed <= MAX_SPEED_KMH:
            raise Rejected(Reason.INVALID_VALUE, _("Kecepatan %(v)s km/jam di luar 0-250.") % {"v": speed})
        occupancy = v.get("occupancy")
        if occupancy is not None and not 0 <= occupancy <= 100:
            raise Rejected(Reason.INVALID_VALUE, _("Okupansi %(v)s%% di luar 0-100.") % {"v": occupancy})
        if vehicles is None and speed is None and occupancy is None:
            raise Rejected(Reason.MALFORMED, _("Tidak ada nilai: isi jumlah kendaraan, kecepatan atau okupansi."))

    # store and roll up ------------------------------------------------------------------------------------------

    def store(self, observations: list[Observation], *, source: str, received_at: datetime) -> list[Observation]:
        ops = connection.ops
        qn = ops.quote_name
        table = qn(TrafficReading._meta.db_table)
        received = ops.adapt_datetimefield_value(received_at)
        new: list[Observation] = []
        row_sql = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
        head = (f"INSERT INTO {table} ({', '.join(qn(c) for c in COLUMNS)}) VALUES ")  # noqa: S608 - names from model meta, values bound
        tail = f" ON CONFLICT ({qn('detector_id')}, {qn('start')}) DO NOTHING RETURNING {qn('detector_id')}, " \
               f"{qn('start')}"
        with connection.cursor() as cursor:
            for i in range(0, len(observations), INSERT_CHUNK):
                chunk = observations[i:i + INSERT_CHUNK]
                params: list[Any] = []
                by_key: dict[tuple[int, Any], Observation] = {}
                for obs in chunk:
                    v = obs.values
                    start = ops.adapt_datetimefield_value(obs.start)
                    vehicles = v.get("vehicles")
                    flow = vehicles * 3600 / obs.seconds if vehicles is not None else None
                    params += (obs.sensor_id, start, obs.seconds, v.get("motor"), v.get("car"), v.get("heavy"),
                               vehicles, flow, v.get("speed"), v.get("occupancy"), source, received)
                    by_key[(obs.sensor_id, obs.start)] = obs
                cursor.execute(head + ", ".join([row_sql] * len(chunk)) + tail, params)
                for detector_id, start in cursor.fetchall():
                    new.append(by_key[(detector_id, _aware(start))])
        return new

    def rollup(self, new: list[Observation]) -> None:
        ops = connection.ops
        qn = ops.quote_name
        for model in ROLLUPS:
            size = model.BUCKET_SECONDS
            sums: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0] * len(ROLLUP_SUMS))
            for obs in new:
                epoch = int(obs.start.timestamp())
                s = sums[(obs.sensor_id, epoch - epoch % size)]
                v = obs.values
                s[0] += 1
                s[1] += obs.seconds
                if v.get("vehicles") is not None:
                    s[2] += obs.seconds
                    s[3] += v["vehicles"]
                s[4] += v.get("motor") or 0
                s[5] += v.get("car") or 0
                s[6] += v.get("heavy") or 0
                if v.get("speed") is not None:
                    s[7] += v["speed"]
                    s[8] += 1
                if v.get("occupancy") is not None:
                    s[9] += v["occupancy"] * obs.seconds
                    s[10] += obs.seconds
            table = qn(model._meta.db_table)
            columns = ("detector_id", "bucket_start", *ROLLUP_SUMS)
            row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
            updates = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in ROLLUP_SUMS)
            rows = list(sums.items())
            with connection.cursor() as cursor:
                for i in range(0, len(rows), INSERT_CHUNK):
                    chunk = rows[i:i + INSERT_CHUNK]
                    params: list[Any] = []
                    for (detector_id, bucket), values in chunk:
                        params += (detector_id, ops.adapt_datetimefield_value(datetime.fromtimestamp(bucket, UTC)),
                                   *values)
                    cursor.execute(
                        f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) VALUES "  # noqa: S608 - names from model meta, values bound
                        + ", ".join([row_sql] * len(chunk))
                        + f" ON CONFLICT ({qn('detector_id')}, {qn('bucket_start')}) DO UPDATE SET {updates}",
                        params,
                    )

    def prune(self, now: datetime) -> int:
        cutoff = connection.ops.adapt_datetimefield_value(now - raw_retention())
        qn = connection.ops.quote_name
        table = qn(TrafficReading._meta.db_table)
        total = 0
        with connection.cursor() as cursor:
            while True:  # in slices, so a big first prune does not hold one huge transaction on SQLite
                cursor.execute(f"DELETE FROM {table} WHERE {qn('id')} IN (SELECT {qn('id')} FROM {table} "  # noqa: S608 - names from model meta, values bound
                               f"WHERE {qn('start')} < %s LIMIT 10000)", [cutoff])
                total += cursor.rowcount
                if cursor.rowcount < 10000:
                    return total


def _aware(value: Any) -> datetime:
    # RETURNING gives what the driver makes of the column: an aware datetime (psycopg), a naive UTC one (Django's
    # SQLite converters) or text.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _merge(into: Observation, other: Observation) -> None:
    a, b = into.values, other.values
    for cls in CLASSES:
        if b.get(cls) is not None:
            a[cls] = (a.get(cls) or 0) + b[cls]
    # Lane speed and occupancy are the same whichever class an entity counts; keep the first one given.
    for name in ("speed", "occupancy"):
        if a.get(name) is None:
            a[name] = b.get(name)
