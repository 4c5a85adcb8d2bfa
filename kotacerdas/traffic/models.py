"""ATCS registry (simpang, lengan, lajur, detektor, pengendali, fase, rencana waktu) and traffic readings.

Readings: one row per (detector, interval start), inserted by `kotacerdas.traffic.ingest.TrafficHandler` through
the shared sensor pipeline, plus three rollup tables kept incrementally on insert (see ingest.py). Rollups keep
sums and counts, never means, so late readings add in exactly and means are derived when read.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.sensors.models import CODE_VALIDATOR


class Direction(models.TextChoices):
    UTARA = "utara", _("Utara")
    TIMUR_LAUT = "timur_laut", _("Timur laut")
    TIMUR = "timur", _("Timur")
    TENGGARA = "tenggara", _("Tenggara")
    SELATAN = "selatan", _("Selatan")
    BARAT_DAYA = "barat_daya", _("Barat daya")
    BARAT = "barat", _("Barat")
    BARAT_LAUT = "barat_laut", _("Barat laut")


class Intersection(models.Model):
    """A signalised intersection (simpang APILL)."""

    code = models.CharField(_("kode"), max_length=64, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("nama"), max_length=200)
    lat = models.FloatField(_("lintang"))
    lon = models.FloatField(_("bujur"))
    # True where the position is an estimate along the named roads, not a surveyed point.
    approximate = models.BooleanField(_("posisi perkiraan"), default=False)
    kecamatan = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("kecamatan"))
    kelurahan = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("kelurahan"))
    source = models.CharField(_("sumber"), max_length=300, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["lat", "lon"])]
        verbose_name = _("simpang")
        verbose_name_plural = _("simpang")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Approach(models.Model):
    """One arm (lengan) of an intersection, named by the direction traffic comes from."""

    intersection = models.ForeignKey(Intersection, on_delete=models.CASCADE, related_name="approaches")
    direction = models.CharField(_("arah datang"), max_length=12, choices=Direction.choices)
    name = models.CharField(_("nama jalan"), max_length=120)
    # Effective approach width (PKJI W_E) in metres, for saturation flow.
    width_m = models.FloatField(_("lebar efektif (m)"), validators=[MinValueValidator(1), MaxValueValidator(40)])
    lanes = models.PositiveSmallIntegerField(_("jumlah lajur"), default=1,
                                             validators=[MinValueValidator(1), MaxValueValidator(8)])

    class Meta:
        ordering = ["intersection", "direction"]
        constraints = [models.UniqueConstraint(fields=["intersection", "direction"], name="traffic_approach_dir")]
        verbose_name = _("lengan simpang")
        verbose_name_plural = _("lengan simpang")

    def __str__(self) -> str:
        return f"{self.intersection.code} {self.get_direction_display()} ({self.name})"


class Movement(models.TextChoices):
    LURUS = "lurus", _("Lurus")
    KIRI = "kiri", _("Belok kiri")
    KANAN = "kanan", _("Belok kanan")
    LURUS_KIRI = "lurus_kiri", _("Lurus + kiri")
    LURUS_KANAN = "lurus_kanan", _("Lurus + kanan")
    SEMUA = "semua", _("Semua arah")


class Lane(models.Model):
    approach = models.ForeignKey(Approach, on_delete=models.CASCADE, related_name="lane_set")
    number = models.PositiveSmallIntegerField(_("nomor lajur (1 = paling kiri)"), validators=[MinValueValidator(1)])
    movement = models.CharField(_("gerakan"), max_length=12, choices=Movement.choices, default=Movement.SEMUA)
    width_m = models.FloatField(_("lebar (m)"), null=True, blank=True)

    class Meta:
        ordering = ["approach", "number"]
        constraints = [models.UniqueConstraint(fields=["approach", "number"], name="traffic_lane_number")]
        verbose_name = _("lajur")
        verbose_name_plural = _("lajur")

    def __str__(self) -> str:
        return f"{self.approach} #{self.number}"


class DetectorKind(models.TextChoices):
    LOOP = "loop", _("Loop induktif")
    CAMERA = "camera", _("Kamera")
    RADAR = "radar", _("Radar")


class Detector(models.Model):
    """A counting point on an approach (or one lane of it); its `code` is how devices name it."""

    code = models.CharField(_("kode"), max_length=64, unique=True, validators=[CODE_VALIDATOR])
    kind = models.CharField(_("jenis"), max_length=8, choices=DetectorKind.choices)
    approach = models.ForeignKey(Approach, on_delete=models.CASCADE, related_name="detectors")
    lane = models.ForeignKey(Lane, null=True, blank=True, on_delete=models.SET_NULL, related_name="detectors")
    # The device that sends its data (a controller or camera box); gateways may send for any detector.
    device = models.ForeignKey("sensors.Device", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="detectors", verbose_name=_("perangkat"))
    is_active = models.BooleanField(_("aktif"), default=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("detektor")
        verbose_name_plural = _("detektor")

    def __str__(self) -> str:
        return self.code


class SignalController(models.Model):
    intersection = models.OneToOneField(Intersection, on_delete=models.CASCADE, related_name="controller")
    code = models.CharField(_("kode"), max_length=64, unique=True, validators=[CODE_VALIDATOR])
    model = models.CharField(_("merek/tipe"), max_length=120, blank=True)
    device = models.ForeignKey("sensors.Device", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="controllers", verbose_name=_("perangkat"))
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("pengendali APILL")
        verbose_name_plural = _("pengendali APILL")

    def __str__(self) -> str:
        return self.code

    def current_plan(self, at: datetime | None = None) -> TimingPlan | None:
        return self.plans.filter(effective_from__lte=at or timezone.now()).order_by("-effective_from").first()


class Phase(models.Model):
    controller = models.ForeignKey(SignalController, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("nomor fase"), validators=[MinValueValidator(1)])
    name = models.CharField(_("nama"), max_length=120, blank=True)
    approaches = models.ManyToManyField(Approach, blank=True, related_name="phases",
                                        verbose_name=_("lengan yang mendapat hijau"))

    class Meta:
        ordering = ["controller", "number"]
        constraints = [models.UniqueConstraint(fields=["controller", "number"], name="traffic_phase_number")]
        verbose_name = _("fase")
        verbose_name_plural = _("fase")

    def __str__(self) -> str:
        return f"{self.controller.code} F{self.number}"


class TimingPlan(models.Model):
    """A fixed-time plan: cycle, total lost time per cycle, and green per phase (PhaseGreen), from a date."""

    controller = models.ForeignKey(SignalController, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(_("nama"), max_length=120)
    cycle_s = models.PositiveSmallIntegerField(_("waktu siklus (detik)"),
                                               validators=[MinValueValidator(20), MaxValueValidator(300)])
    lost_time_s = models.PositiveSmallIntegerField(_("waktu hilang total (detik)"),
                                                   validators=[MaxValueValidator(120)])
    effective_from = models.DateTimeField(_("berlaku sejak"))
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["controller", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["controller", "effective_from"], name="traffic_plan_from")]
        verbose_name = _("rencana waktu sinyal")
        verbose_name_plural = _("rencana waktu sinyal")

    def __str__(self) -> str:
        return f"{self.controller.code} {self.name} (c={self.cycle_s}s)"


class PhaseGreen(models.Model):
    plan = models.ForeignKey(TimingPlan, on_delete=models.CASCADE, related_name="greens")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="greens")
    green_s = models.PositiveSmallIntegerField(_("waktu hijau (detik)"),
                                               validators=[MinValueValidator(1), MaxValueValidator(240)])

    class Meta:
        ordering = ["plan", "phase__number"]
        constraints = [models.UniqueConstraint(fields=["plan", "phase"], name="traffic_green_phase")]
        verbose_name = _("waktu hijau fase")
        verbose_name_plural = _("waktu hijau fase")

    def __str__(self) -> str:
        return f"{self.phase}: {self.green_s}s"


# Readings -------------------------------------------------------------------------------------------------------


class TrafficReading(models.Model):
    """Raw: one detector, one interval. Pruned after TRAFFIC_RAW_RETENTION_DAYS; rollups are kept."""

    id = models.BigAutoField(primary_key=True)
    # No index of its own: the unique (detector, start) index serves every lookup by detector, and a second one
    # cost 11 B per reading on SQLite (7 B on PostgreSQL) and one more index to update per insert.
    detector = models.ForeignKey(Detector, on_delete=models.CASCADE, related_name="readings", db_index=False)
    start = models.DateTimeField(_("awal interval"))
    seconds = models.PositiveIntegerField(_("lama interval (detik)"))
    motor = models.PositiveIntegerField(_("sepeda motor"), null=True, blank=True)
    car = models.PositiveIntegerField(_("kendaraan ringan"), null=True, blank=True)
    heavy = models.PositiveIntegerField(_("kendaraan berat"), null=True, blank=True)
    # All vehicles; may exceed motor + car + heavy when the device does not classify every vehicle.
    vehicles = models.PositiveIntegerField(_("jumlah kendaraan"), null=True, blank=True)
    flow = models.FloatField(_("arus (kend/jam)"), null=True, blank=True)
    speed = models.FloatField(_("kecepatan rata-rata (km/jam)"), null=True, blank=True)
    occupancy = models.FloatField(_("okupansi (%)"), null=True, blank=True)
    source = models.CharField(_("kanal"), max_length=4)
    received_at = models.DateTimeField(_("diterima"))

    class Meta:
        ordering = ["detector", "start"]
        constraints = [models.UniqueConstraint(fields=["detector", "start"], name="traffic_reading_once")]
        # (detector, start) unique index serves per-detector ranges; this one serves pruning and city-wide ranges.
        # A btree, not BRIN, on PostgreSQL too (bench/traffic_queries.py, 10 million readings, PostgreSQL 15):
        # - the btree is small already: every start repeats once per detector, so deduplication keeps it at
        #   7 B per reading (67 MiB); BRIN (48 KiB) would save 4 % of the table and its indexes;
        # - on a table filled in time order they are equal: last hour city-wide 21 vs 28 ms, a day 344 vs 308 ms,
        #   pruning a day (1.76 million rows, TrafficHandler.prune) 6.1 vs 5.9 s;
        # - retention deletes the oldest rows and new readings reuse that space, inside block ranges whose BRIN
        #   summaries only widen: after one prune + VACUUM + a day of new readings the last hour took 480 ms by
        #   BRIN (the planner fell back to a sequential scan) and 88 ms by btree.
        # Day partitions would make retention a DROP (26 ms instead of ~6-9 s of DELETE per day) and keep BRIN
        # useful, but Django manages neither partitions nor a primary key that includes `start`; at ~6 s of
        # background work a day they are not worth it. Revisit at about ten times the data per day.
        indexes = [models.Index(fields=["start"], name="traffic_reading_start")]
        verbose_name = _("data lalu lintas mentah")
        verbose_name_plural = _("data lalu lintas mentah")

    def __str__(self) -> str:
        return f"{self.detector_id} {self.start:%Y-%m-%d %H:%M}"


class Rollup(models.Model):
    """Sums over one detector and one bucket; means are derived (see properties)."""

    # Served by the unique (detector, bucket_start) index of each table, like TrafficReading.detector.
    detector = models.ForeignKey(Detector, on_delete=models.CASCADE, related_name="+", db_index=False)
    bucket_start = models.DateTimeField(_("awal periode"))
    readings = models.PositiveIntegerField(_("jumlah data"), default=0)
    seconds = models.PositiveIntegerField(_("detik teramati"), default=0)
    # Seconds covered by readings that carried a vehicle count: flow = vehicles * 3600 / count_seconds.
    count_seconds = models.PositiveIntegerField(default=0)
    vehicles = models.PositiveIntegerField(default=0)
    motor = models.PositiveIntegerField(default=0)
    car = models.PositiveIntegerField(default=0)
    heavy = models.PositiveIntegerField(default=0)
    speed_sum = models.FloatField(default=0)  # sum of interval mean speeds
    speed_n = models.PositiveIntegerField(default=0)  # intervals that reported a speed
    occupancy_sum = models.FloatField(default=0)  # sum of occupancy% x seconds (time-weighted)
    occupancy_seconds = models.PositiveIntegerField(default=0)

    BUCKET_SECONDS = 0

    class Meta:
        abstract = True
        ordering = ["detector", "bucket_start"]

    def __str__(self) -> str:
        return f"{self.detector_id} {self.bucket_start:%Y-%m-%d %H:%M}"

    @property
    def flow_vph(self) -> float | None:
        return self.vehicles * 3600 / self.count_seconds if self.count_seconds else None

    @property
    def mean_speed(self) -> float | None:
        return self.speed_sum / self.speed_n if self.speed_n else None

    @property
    def mean_occupancy(self) -> float | None:
        return self.occupancy_sum / self.occupancy_seconds if self.occupancy_seconds else None


class Rollup5Min(Rollup):
    BUCKET_SECONDS = 300

    class Meta(Rollup.Meta):
        constraints = [models.UniqueConstraint(fields=["detector", "bucket_start"], name="traffic_rollup5_once")]
        indexes = [models.Index(fields=["bucket_start"], name="traffic_rollup5_bucket")]
        verbose_name = _("rekap 5 menit")
        verbose_name_plural = _("rekap 5 menit")


class Rollup15Min(Rollup):
    BUCKET_SECONDS = 900

    class Meta(Rollup.Meta):
        constraints = [models.UniqueConstraint(fields=["detector", "bucket_start"], name="traffic_rollup15_once")]
        indexes = [models.Index(fields=["bucket_start"], name="traffic_rollup15_bucket")]
        verbose_name = _("rekap 15 menit")
        verbose_name_plural = _("rekap 15 menit")


class RollupHour(Rollup):
    BUCKET_SECONDS = 3600

    class Meta(Rollup.Meta):
        constraints = [models.UniqueConstraint(fields=["detector", "bucket_start"], name="traffic_rollup60_once")]
        indexes = [models.Index(fields=["bucket_start"], name="traffic_rollup60_bucket")]
        verbose_name = _("rekap per jam")
        verbose_name_plural = _("rekap per jam")


ROLLUPS: tuple[type[Rollup], ...] = (Rollup5Min, Rollup15Min, RollupHour)


class MapSnapshot(models.Model):
    """The city map of one 15-minute bucket (LOS, delay, worst DJ, flow per intersection) as the 5-minute refresh
    task last computed it: the map's own rollup.

    Why a table and not only the cache: in the embedded default the cache is per process (LocMem), and the Huey
    consumer that refreshes the map is another process than the web workers; with several uvicorn workers each
    has its own cache too. Any process reads this row (one indexed query, ~100 KB of JSON for 1,000
    intersections) instead of computing the city (≈ 0.3 s, bench/traffic_queries.py). Rows older than
    TRAFFIC_MAP_SNAPSHOT_DAYS (8: the Command Center compares with the same bucket a week ago) are pruned daily.
    `states` is a list of [intersection_id, code, name, lat, lon, los, delay_s, worst_dj, dj_status, flow_vph,
    has_data] (selectors.MapState without the live alarm count).
    """

    bucket_start = models.DateTimeField(unique=True)
    computed_at = models.DateTimeField()
    states = models.JSONField(default=list)

    class Meta:
        verbose_name = _("potret peta simpang")
        verbose_name_plural = _("potret peta simpang")

    def __str__(self) -> str:
        return f"peta {self.bucket_start:%Y-%m-%d %H:%M}"


# Engineering settings, alarms and detector health -------------------------------------------------------------


class EngineeringProfile(models.Model):
    """Per-intersection engineering inputs that PKJI gives only as tables or charts, and the controller's limits.

    Absent profile = every factor 1.0 (ideal) and the library's cycle limits; see kotacerdas/traffic/engineering.py.
    """

    intersection = models.OneToOneField(Intersection, on_delete=models.CASCADE, related_name="engineering")
    # PKJI F_HS (hambatan samping), F_G (kelandaian) and F_P (parkir), read from the PKJI tables by an engineer.
    side_friction = models.FloatField(_("faktor hambatan samping (F_HS)"), default=1.0,
                                      validators=[MinValueValidator(0.5), MaxValueValidator(1.2)])
    gradient = models.FloatField(_("faktor kelandaian (F_G)"), default=1.0,
                                 validators=[MinValueValidator(0.5), MaxValueValidator(1.2)])
    parking = models.FloatField(_("faktor parkir (F_P)"), default=1.0,
                                validators=[MinValueValidator(0.3), MaxValueValidator(1.2)])
    # A local saturation-flow survey beats PKJI's 600 skr/jam per metre.
    base_saturation_per_metre = models.FloatField(_("arus jenuh dasar per meter (skr/jam)"), null=True, blank=True,
                                                  validators=[MinValueValidator(100), MaxValueValidator(1500)])
    min_cycle_s = models.PositiveSmallIntegerField(_("siklus minimum (detik)"), null=True, blank=True)
    max_cycle_s = models.PositiveSmallIntegerField(_("siklus maksimum (detik)"), null=True, blank=True)
    min_green_s = models.PositiveSmallIntegerField(_("hijau minimum (detik)"), null=True, blank=True)
    source = models.CharField(_("sumber nilai"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("parameter rekayasa simpang")
        verbose_name_plural = _("parameter rekayasa simpang")

    def __str__(self) -> str:
        return f"{self.intersection.code}"


class DetectorPair(models.Model):
    """An upstream/downstream detector pair for the California algorithm, with its own thresholds.

    The registry does not know where a detector sits along a road, so pairs are never guessed: an engineer
    defines them. Every detector also gets the robust z-score against its own time-of-day baseline.
    """

    upstream = models.ForeignKey(Detector, on_delete=models.CASCADE, related_name="pairs_as_upstream",
                                 verbose_name=_("detektor hulu"))
    downstream = models.ForeignKey(Detector, on_delete=models.CASCADE, related_name="pairs_as_downstream",
                                   verbose_name=_("detektor hilir"))
    # Payne & Tignor defaults (kotacerdas.lib.incidents.CaliforniaThresholds); calibrate per site.
    occdf = models.FloatField(_("T1 OCCDF (poin okupansi)"), default=8.0, validators=[MinValueValidator(0)])
    occrdf = models.FloatField(_("T2 OCCRDF"), default=0.5, validators=[MinValueValidator(0)])
    docctd = models.FloatField(_("T3 DOCCTD"), default=0.15, validators=[MinValueValidator(0)])
    persistence = models.PositiveSmallIntegerField(_("persistensi (interval)"), default=1,
                                                   validators=[MinValueValidator(1), MaxValueValidator(6)])
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["upstream", "downstream"]
        constraints = [models.UniqueConstraint(fields=["upstream", "downstream"], name="traffic_pair_once")]
        verbose_name = _("pasangan detektor")
        verbose_name_plural = _("pasangan detektor")

    def __str__(self) -> str:
        return f"{self.upstream_id} → {self.downstream_id}"


class AlarmKind(models.TextChoices):
    INCIDENT = "incident", _("Insiden")
    CONGESTION = "congestion", _("Kemacetan")
    DETECTOR = "detector", _("Gangguan detektor")


class AlarmState(models.TextChoices):
    RAISED = "raised", _("Aktif")
    ACKNOWLEDGED = "acknowledged", _("Diterima operator")
    CLEARED = "cleared", _("Selesai")


OPEN_ALARM_STATES = (AlarmState.RAISED, AlarmState.ACKNOWLEDGED)


class Alarm(models.Model):
    """An incident, congestion or detector-fault alarm: raised → acknowledged → cleared.

    `key` names what the alarm is about (method and detector or pair, e.g. "zscore:12", "california:12-15",
    "health:12"); at most one open alarm per key, enforced by the database.
    """

    kind = models.CharField(_("jenis"), max_length=12, choices=AlarmKind.choices)
    state = models.CharField(_("status"), max_length=12, choices=AlarmState.choices, default=AlarmState.RAISED)
    method = models.CharField(_("metode"), max_length=20)
    key = models.CharField(max_length=80)
    intersection = models.ForeignKey(Intersection, on_delete=models.CASCADE, related_name="alarms")
    approach = models.ForeignKey(Approach, null=True, blank=True, on_delete=models.CASCADE, related_name="alarms")
    detector = models.ForeignKey(Detector, null=True, blank=True, on_delete=models.CASCADE, related_name="alarms")
    raised_at = models.DateTimeField(_("muncul"))
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("diterima oleh"))
    acknowledged_at = models.DateTimeField(_("diterima"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    score = models.FloatField(_("skor"), null=True, blank=True)
    reason = models.TextField(_("alasan"), blank=True)
    clear_reason = models.TextField(_("alasan selesai"), blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=models.Q(state__in=["raised", "acknowledged"]),
                                    name="traffic_alarm_one_open"),
        ]
        indexes = [
            models.Index(fields=["state", "intersection"], name="traffic_alarm_state"),
            models.Index(fields=["key", "raised_at"], name="traffic_alarm_key"),
        ]
        verbose_name = _("alarm lalu lintas")
        verbose_name_plural = _("alarm lalu lintas")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} {self.raised_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_ALARM_STATES


class DetectorHealthReport(models.Model):
    """kotacerdas.lib.detector_health.assess_day for one detector and one local day (from the 5-minute rollups)."""

    detector = models.ForeignKey(Detector, on_delete=models.CASCADE, related_name="health_reports")
    day = models.DateField(_("tanggal"))
    flags = models.JSONField(_("tanda"), default=list, blank=True)  # macet, nol, hilang, tidak_wajar
    reasons = models.JSONField(_("alasan"), default=list, blank=True)
    expected_intervals = models.PositiveIntegerField(default=0)
    observed_intervals = models.PositiveIntegerField(default=0)
    imputed_intervals = models.PositiveIntegerField(default=0)
    missing_intervals = models.PositiveIntegerField(default=0)
    implausible_intervals = models.PositiveIntegerField(default=0)
    longest_stuck_run = models.PositiveIntegerField(default=0)
    observed_share = models.FloatField(_("porsi teramati"), default=0)
    imputed_share = models.FloatField(_("porsi imputasi"), default=0)
    healthy = models.BooleanField(_("sehat"), default=True)
    assessed_at = models.DateTimeField(_("dinilai"))

    class Meta:
        ordering = ["-day", "detector"]
        constraints = [models.UniqueConstraint(fields=["detector", "day"], name="traffic_health_once")]
        indexes = [models.Index(fields=["day", "healthy"], name="traffic_health_day")]
        verbose_name = _("kesehatan detektor")
        verbose_name_plural = _("kesehatan detektor")

    def __str__(self) -> str:
        return f"{self.detector_id} {self.day}"
