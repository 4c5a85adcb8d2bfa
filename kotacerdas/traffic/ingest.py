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

Storage is INSERT ... ON CONFLICT (detector, start) DO NOTHING RETURNING (one statement per batch on PostgreSQL,
one per 500 rows on SQLite), so concurrent HTTP and MQTT copies of the same reading are stored once and only truly
new rows reach the rollups. Rollups are additive upserts (ON CONFLICT DO UPDATE SET x = x + excluded.x): order of
arrival does not matter, so late and out-of-order readings inside the late window land in the right buckets.
Readings are bucketed by their start. Measured in bench/traffic_ingest.py (bench/README.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
# A stored reading's values, in the order store() builds its rows (kanal and received_at are per batch).
COLUMNS = ("detector_id", "start", "seconds", "motor", "car", "heavy", "vehicles", "flow", "speed", "occupancy")
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


@cache
def max_vehicles_per_second() -> float:
    # A detector may cover a whole approach; 10 vehicles/s (36,000 veh/h) is beyond any Medan approach.
    # Cached (read for every reading; looking up an unset setting costs ~2 us), forgotten when a test changes it.
    return getattr(settings, "TRAFFIC_MAX_VEHICLES_PER_SECOND", 10.0)


@receiver(setting_changed)
def _setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "TRAFFIC_MAX_VEHICLES_PER_SECOND":
        max_vehicles_per_second.cache_clear()


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
    compact_key = "d"
    sdm_type = "TrafficFlowObserved"
    not_recognised = gettext_lazy("Bukan TrafficFlowObserved (type) dan bukan baris ringkas (d, t, s).")

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

    def parse_compact(self, index: int, item: dict[str, Any]) -> Observation:
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

    def parse_sdm(self, index: int, item: dict[str, Any]) -> Observation:
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
        rows: list[tuple[str, int, int | None, bool]] = []
        if connection.vendor == "postgresql":
            # One array parameter instead of an IN list: psycopg's client-side binding scans every placeholder
            # (1,200 detectors: ~7 ms of CPU per batch with the ORM's IN, ~1.5 ms like this).
            qn = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {qn('code')}, {qn('id')}, {qn('device_id')}, {qn('is_active')} "  # noqa: S608 - names from model meta, values bound
                               f"FROM {qn(Detector._meta.db_table)} WHERE {qn('code')} = ANY(%s)", [keys_list])
                rows = cursor.fetchall()
        else:
            for i in range(0, len(keys_list), 900):  # SQLite's bound-parameter limit on older builds
                rows += Detector.objects.filter(code__in=keys_list[i:i + 900]).values_list(
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
    #
    # Both engines get the same rows and the same answer: (detector_id, interval start as epoch seconds) of every row
    # that was new. Only how the rows travel differs (_insert): PostgreSQL takes one array per column, SQLite a
    # VALUES list per chunk. Rows go in key order: concurrent batches (several HTTP workers, HTTP beside MQTT) then
    # lock shared rollup rows, and duplicate readings, in the same order instead of deadlocking on PostgreSQL.

    def store(self, observations: list[Observation], *, source: str, received_at: datetime) -> list[Observation]:
        rows: list[tuple[Any, ...]] = []
        by_key: dict[tuple[int, int], Observation] = {}
        for obs in observations:
            v = obs.values
            vehicles = v.get("vehicles")
            epoch = int(obs.start.timestamp())
            rows.append((obs.sensor_id, epoch, obs.seconds, v.get("motor"), v.get("car"), v.get("heavy"), vehicles,
                         vehicles * 3600 / obs.seconds if vehicles is not None else None, v.get("speed"),
                         v.get("occupancy")))
            by_key[(obs.sensor_id, epoch)] = obs
        rows.sort(key=_key)
        table = TrafficReading._meta.db_table
        returned = _insert(table, COLUMNS, rows, {"source": source, "received_at": received_at},
                           conflict=("detector_id", "start"), returning=True)
        return [by_key[(detector_id, int(epoch))] for detector_id, epoch in returned]

    def rollup(self, new: list[Observation]) -> None:
        # What each reading adds to its buckets, in ROLLUP_SUMS order, worked out once for all three levels.
        adds: list[tuple[int, int, tuple[float, ...]]] = []
        for obs in new:
            v = obs.values
            seconds = obs.seconds
            vehicles, speed, occupancy = v.get("vehicles"), v.get("speed"), v.get("occupancy")
            adds.append((obs.sensor_id, int(obs.start.timestamp()), (
                1, seconds, seconds if vehicles is not None else 0, vehicles or 0, v.get("motor") or 0,
                v.get("car") or 0, v.get("heavy") or 0, speed or 0.0, 1 if speed is not None else 0,
                occupancy * seconds if occupancy is not None else 0.0, seconds if occupancy is not None else 0)))
        source, previous = adds, 1
        for model in ROLLUPS:
            size = model.BUCKET_SECONDS
            if size % previous:
                source = adds  # buckets that do not nest are summed from the readings
            # 15-minute sums from the 5-minute ones, hourly from the 15-minute ones: fewer rows to go through.
            sums: dict[tuple[int, int], list[float]] = {}
            for detector_id, epoch, add in source:
                key = (detector_id, epoch - epoch % size)
                total = sums.get(key)
                if total is None:
                    sums[key] = list(add)
                else:
                    for i, value in enumerate(add):
                        total[i] += value
            rows = [(*key, *values) for key, values in sorted(sums.items())]
            _insert(model._meta.db_table, ("detector_id", "bucket_start", *ROLLUP_SUMS), rows, {},
                    conflict=("detector_id", "bucket_start"), add=ROLLUP_SUMS)
            source, previous = [(row[0], row[1], row[2:]) for row in rows], size

    def prune(self, now: datetime) -> int:
        from kotacerdas.traffic.selectors import prune_snapshots

        prune_snapshots(now)  # the stored maps go with the raw readings' daily retention
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


def _key(row: tuple[Any, ...]) -> tuple[int, int]:
    return row[0], row[1]


# Column types for the PostgreSQL arrays; the second column of every row is a time as epoch seconds.
PG_TYPES = {"detector_id": "bigint", "start": "bigint", "bucket_start": "bigint", "speed": "double precision",
            "flow": "double precision", "occupancy": "double precision", "speed_sum": "double precision",
            "occupancy_sum": "double precision"}
TIME_COLUMNS = ("start", "bucket_start")


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]], constants: dict[str, Any], *,
            conflict: tuple[str, str], returning: bool = False, add: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """INSERT rows (times as epoch seconds) ON CONFLICT DO NOTHING, or DO UPDATE SET c = c + excluded.c for `add`.

    With `returning`, gives (first column, time as epoch seconds) of the rows actually inserted.
    """
    if not rows:
        return []
    ops = connection.ops
    qn = ops.quote_name
    names = ", ".join(qn(c) for c in (*columns, *constants))
    on_conflict = f"ON CONFLICT ({', '.join(qn(c) for c in conflict)}) " + (
        "DO UPDATE SET " + ", ".join(f"{qn(c)} = {qn(table)}.{qn(c)} + excluded.{qn(c)}" for c in add) if add
        else "DO NOTHING")
    tail = f" {on_conflict}" + (f" RETURNING {qn(conflict[0])}, {_epoch(qn(conflict[1]))}" if returning else "")
    out: list[tuple[int, int]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement per batch, one array per column: psycopg's client-side binding scans the SQL for each
            # placeholder, so a VALUES list (12 per row) cost more than the insert itself; unnest() needs 12 in all.
            # Times travel as epoch integers, the arrays as their text form (_pg_array).
            selected = ", ".join(f"to_timestamp(c{i})" if c in TIME_COLUMNS else f"c{i}"
                                 for i, c in enumerate(columns))
            arrays = ", ".join(f"%s::{PG_TYPES.get(c, 'integer')}[]" for c in columns)
            aliases = ", ".join(f"c{i}" for i in range(len(columns)))
            consts = "".join(", %s" for _ in constants)
            cursor.execute(
                f"INSERT INTO {qn(table)} ({names}) SELECT {selected}{consts} "  # noqa: S608 - names from model meta, values bound
                f"FROM unnest({arrays}) AS u({aliases}){tail}",
                [*constants.values(), *(_pg_array(column) for column in zip(*rows, strict=True))],
            )
            return cursor.fetchall() if returning else out
        consts = [ops.adapt_datetimefield_value(v) if isinstance(v, datetime) else v for v in constants.values()]
        # datetime(epoch, 'unixepoch') is exactly the text Django keeps for an aware datetime with whole seconds.
        row_sql = "(" + ", ".join(["datetime(%s, 'unixepoch')" if c in TIME_COLUMNS else "%s" for c in columns]
                                  + ["%s"] * len(constants)) + ")"
        for i in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[i:i + INSERT_CHUNK]
            params: list[Any] = []
            for row in chunk:
                params += row
                params += consts
            cursor.execute(f"INSERT INTO {qn(table)} ({names}) VALUES "  # noqa: S608 - names from model meta, values bound
                           + ", ".join([row_sql] * len(chunk)) + tail, params)
            if returning:
                out += cursor.fetchall()
    return out


def _pg_array(values: tuple[int | float | None, ...]) -> str:
    """'{1,2.5,NULL}', the text form of a PostgreSQL array, bound as one string parameter and cast in SQL.

    Built here because psycopg adapts a list element by element in Python (~1 us each, about 20 us per reading
    over the four statements); every value is a number the handler produced (parsed, validated, finite) or None,
    so str() is its literal.
    """
    if None in values:
        return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"
    return "{" + ",".join(map(str, values)) + "}"


def _epoch(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"extract(epoch FROM {column})::bigint"
    # Django keeps SQLite datetimes as naive UTC text; %% because the cursor turns %s into a placeholder.
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"


def _merge(into: Observation, other: Observation) -> None:
    a, b = into.values, other.values
    for cls in CLASSES:
        if b.get(cls) is not None:
            a[cls] = (a.get(cls) or 0) + b[cls]
    # Lane speed and occupancy are the same whichever class an entity counts; keep the first one given.
    for name in ("speed", "occupancy"):
        if a.get(name) is None:
            a[name] = b.get(name)
