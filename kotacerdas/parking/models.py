"""E-parking (parkir tepi jalan umum): registry, tariffs, jukir, stickers, payments, settlement, occupancy, leakage.

Money is whole rupiah in integer columns (retribusi has no sen). Rules from regulations are data with their source:
tariffs (`TariffSchedule`/`Tariff`, Perda Kota Medan 1/2024), subscription prices (`SubscriptionTariff`, Perwal
Medan 26/2024), operator revenue shares (`ParkingOperator.operator_share_percent`, Perwal Medan 45 on class-1/2
roads). See `/docs/architecture.md` and `kotacerdas/parking/README.md`.

Accepted payments are `ParkingTransaction` rows; refused attempts (cash at an e-parking point, a revoked jukir, a
sticker holder charged, a foreign QRIS merchant id) are `ParkingViolation` rows that keep what was sent, so nothing
is silently lost and every refusal is auditable.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.sensors.models import CODE_VALIDATOR


class VehicleClass(models.TextChoices):
    """Vehicle classes of the Medan parking retribution (egov-rules §6.2); tariffs are keyed by these."""

    MOTOR = "motor", _("Sepeda motor")
    MOBIL = "mobil", _("Mobil (roda 4)")
    PICKUP = "pickup", _("Pick-up / minibus")
    TRUK_MINI = "truk_mini", _("Truk mini")
    TRUK_BESAR = "truk_besar", _("Truk gandeng / trailer / bus")


class OperatorKind(models.TextChoices):
    CITY = "kota", _("Pemerintah kota (Dishub)")
    THIRD_PARTY = "mitra", _("Pihak ketiga (mitra)")


class ParkingOperator(models.Model):
    """Who runs a parking point: the city itself or a third-party company with a revenue share and targets."""

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=10, choices=OperatorKind.choices, default=OperatorKind.THIRD_PARTY)
    # Share of the retribution the operator keeps; the city (kas daerah) gets the rest. Perwal Medan No. 45:
    # 60/40 on class-1 roads, 65/35 on class-2 roads (Tribun Medan 2021-09-20). 0 for the city's own points.
    operator_share_percent = models.DecimalField(
        _("bagi hasil operator (%)"), max_digits=5, decimal_places=2, default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    share_source = models.CharField(_("dasar bagi hasil"), max_length=300, blank=True)
    contract_number = models.CharField(_("nomor perjanjian"), max_length=120, blank=True)
    contract_start = models.DateField(_("mulai perjanjian"), null=True, blank=True)
    contract_end = models.DateField(_("akhir perjanjian"), null=True, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="parking_operators",
                                     verbose_name=_("akun staf operator"))
    is_active = models.BooleanField(_("aktif"), default=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("operator parkir")
        verbose_name_plural = _("operator parkir")

    def __str__(self) -> str:
        return self.name


class MerchantAccount(models.Model):
    """A QRIS merchant (NMID) or e-money acquirer account that may receive parking payments.

    A payment to any merchant id not listed here for the city or the point's operator is a violation: a jukir's
    personal static QR is the cashless form of leakage (iot-traffic-parking §5.4 indicator 9).
    """

    merchant_id = models.CharField(_("NMID / merchant id"), max_length=64, unique=True)
    label = models.CharField(_("nama rekening"), max_length=200)
    # Null = the city's own account (kas daerah / Dishub); otherwise the operator it belongs to.
    operator = models.ForeignKey(ParkingOperator, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="merchant_accounts", verbose_name=_("operator"))
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["merchant_id"]
        verbose_name = _("akun merchant")
        verbose_name_plural = _("akun merchant")

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.label}"


class RoadSegment(models.Model):
    """A stretch of street (ruas jalan) holding parking points."""

    code = models.CharField(_("kode"), max_length=64, unique=True, validators=[CODE_VALIDATOR])
    street = models.CharField(_("nama jalan"), max_length=200)
    from_desc = models.CharField(_("dari"), max_length=200, blank=True)
    to_desc = models.CharField(_("sampai"), max_length=200, blank=True)
    # Road class decides the revenue share in Medan (Perwal 45); peers for leakage are compared within a class.
    road_class = models.PositiveSmallIntegerField(_("kelas jalan"), default=1,
                                                  validators=[MinValueValidator(1), MaxValueValidator(3)])
    kecamatan = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("kecamatan"))
    kelurahan = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("kelurahan"))
    # GeoJSON LineString coordinates [[lon, lat], ...] where known; points carry their own position.
    geometry = models.JSONField(null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=300, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ruas jalan")
        verbose_name_plural = _("ruas jalan")

    def __str__(self) -> str:
        return f"{self.code} {self.street}"


class LandUse(models.TextChoices):
    """Cluster for peer comparison (revenue per slot-hour is compared within road class and land use)."""

    COMMERCIAL = "niaga", _("Pertokoan / niaga")
    OFFICE = "kantor", _("Perkantoran")
    MARKET = "pasar", _("Pasar")
    CULINARY = "kuliner", _("Kuliner")
    HEALTH = "kesehatan", _("Rumah sakit / klinik")
    SCHOOL = "sekolah", _("Sekolah / kampus")
    RESIDENTIAL = "permukiman", _("Permukiman")


class ParkingPoint(models.Model):
    """A titik parkir: the unit that has jukir on duty, a target, payments and (optionally) occupancy sensors."""

    code = models.CharField(_("kode"), max_length=64, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("nama"), max_length=200)
    segment = models.ForeignKey(RoadSegment, on_delete=models.PROTECT, related_name="points",
                                verbose_name=_("ruas jalan"))
    operator = models.ForeignKey(ParkingOperator, on_delete=models.PROTECT, related_name="points",
                                 verbose_name=_("operator"))
    lat = models.FloatField(_("lintang"))
    lon = models.FloatField(_("bujur"))
    approximate = models.BooleanField(_("posisi perkiraan"), default=False)
    kecamatan = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("kecamatan"))
    kelurahan = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("kelurahan"))
    # Cash is forbidden at e-parking points (Medan, egov-rules rule 39).
    is_eparking = models.BooleanField(_("e-parking"), default=True)
    eparking_since = models.DateField(_("e-parking sejak"), null=True, blank=True)
    land_use = models.CharField(_("peruntukan"), max_length=20, choices=LandUse.choices, default=LandUse.COMMERCIAL)
    opens_at = models.TimeField(_("jam buka"), default="07:00")
    closes_at = models.TimeField(_("jam tutup"), default="22:00")
    # The operator's daily revenue target (rupiah); deposits sitting exactly at it are a leakage indicator.
    daily_target = models.PositiveBigIntegerField(_("target harian (Rp)"), default=0)
    # Occupancy sensors report through the shared pipeline with this point's code as the sensor key.
    device = models.ForeignKey("sensors.Device", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="parking_points", verbose_name=_("perangkat sensor"))
    source = models.CharField(_("sumber"), max_length=300, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["lat", "lon"])]
        verbose_name = _("titik parkir")
        verbose_name_plural = _("titik parkir")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PointCapacity(models.Model):
    point = models.ForeignKey(ParkingPoint, on_delete=models.CASCADE, related_name="capacities")
    vehicle_class = models.CharField(_("golongan"), max_length=12, choices=VehicleClass.choices)
    spaces = models.PositiveIntegerField(_("jumlah ruang"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["point", "vehicle_class"], name="parking_capacity_unique")]
        verbose_name = _("kapasitas")
        verbose_name_plural = _("kapasitas")

    def __str__(self) -> str:
        return f"{self.point.code} {self.vehicle_class}: {self.spaces}"


class TariffSchedule(models.Model):
    """One version of the tariff table, tied to the regulation that sets it (a Perwal cannot change a Perda tariff)."""

    name = models.CharField(_("nama"), max_length=200)
    regulation = models.CharField(_("dasar hukum"), max_length=200)  # e.g. "Perda Kota Medan No. 1 Tahun 2024"
    source = models.CharField(_("sumber"), max_length=500, blank=True)
    valid_from = models.DateField(_("berlaku mulai"))
    valid_to = models.DateField(_("berlaku sampai"), null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("tabel tarif")
        verbose_name_plural = _("tabel tarif")

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%Y-%m-%d})"


class Tariff(models.Model):
    """Per-parking tariff of one vehicle class in a schedule. amount null = not confirmed: cannot be charged."""

    schedule = models.ForeignKey(TariffSchedule, on_delete=models.CASCADE, related_name="tariffs")
    vehicle_class = models.CharField(_("golongan"), max_length=12, choices=VehicleClass.choices)
    amount = models.PositiveIntegerField(_("tarif (Rp)"), null=True, blank=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["schedule", "vehicle_class"], name="parking_tariff_unique")]
        verbose_name = _("tarif")
        verbose_name_plural = _("tarif")

    def __str__(self) -> str:
        return f"{self.vehicle_class}: {self.amount}"


class SubscriptionTariff(models.Model):
    """Yearly parkir berlangganan price per class (Medan: Perwal 26/2024, from 1 July 2024)."""

    vehicle_class = models.CharField(_("golongan"), max_length=12, choices=VehicleClass.choices)
    amount = models.PositiveIntegerField(_("harga per tahun (Rp)"), null=True, blank=True)
    regulation = models.CharField(_("dasar hukum"), max_length=200)
    source = models.CharField(_("sumber"), max_length=500, blank=True)
    valid_from = models.DateField(_("berlaku mulai"))
    valid_to = models.DateField(_("berlaku sampai"), null=True, blank=True)

    class Meta:
        ordering = ["vehicle_class", "-valid_from"]
        verbose_name = _("tarif berlangganan")
        verbose_name_plural = _("tarif berlangganan")

    def __str__(self) -> str:
        return f"{self.vehicle_class}: {self.amount}/tahun"


class JukirStatus(models.TextChoices):
    ACTIVE = "aktif", _("Aktif")
    SUSPENDED = "dibekukan", _("Dibekukan")
    REVOKED = "dicabut", _("Dicabut")


class Jukir(models.Model):
    """A juru parkir with an ID card carrying a QR code; a revoked card cannot record payments (rule 41)."""

    code = models.CharField(_("nomor ID"), max_length=40, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("nama"), max_length=200)
    operator = models.ForeignKey(ParkingOperator, on_delete=models.PROTECT, related_name="jukir",
                                 verbose_name=_("operator"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="jukir", verbose_name=_("akun"))
    # Private: never on public pages, exports or logs.
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    # Random secret behind the QR on the ID card; the QR carries code + HMAC(secret), so a photocopied code
    # without the card's QR does not verify, and re-issuing the card invalidates the old QR.
    card_secret = models.CharField(max_length=64, editable=False)
    card_issued_at = models.DateTimeField(_("kartu diterbitkan"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JukirStatus.choices, default=JukirStatus.ACTIVE,
                              db_index=True)
    status_reason = models.TextField(_("alasan status"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("juru parkir")
        verbose_name_plural = _("juru parkir")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_active(self) -> bool:
        return self.status == JukirStatus.ACTIVE


class JukirAssignment(models.Model):
    """Where and when a jukir works: a point and a daily shift over a validity period."""

    jukir = models.ForeignKey(Jukir, on_delete=models.CASCADE, related_name="assignments")
    point = models.ForeignKey(ParkingPoint, on_delete=models.CASCADE, related_name="assignments")
    shift_start = models.TimeField(_("mulai shift"))
    shift_end = models.TimeField(_("akhir shift"))
    valid_from = models.DateField(_("berlaku mulai"))
    valid_to = models.DateField(_("berlaku sampai"), null=True, blank=True)

    class Meta:
        ordering = ["point", "shift_start"]
        indexes = [models.Index(fields=["point", "valid_from"])]
        verbose_name = _("penugasan jukir")
        verbose_name_plural = _("penugasan jukir")

    def __str__(self) -> str:
        return f"{self.jukir.code} @ {self.point.code} {self.shift_start:%H:%M}-{self.shift_end:%H:%M}"


class DutySession(models.Model):
    """A jukir's presence on duty (handheld login, geofence): the basis of 'on duty without transactions'."""

    jukir = models.ForeignKey(Jukir, on_delete=models.CASCADE, related_name="duty_sessions")
    point = models.ForeignKey(ParkingPoint, on_delete=models.CASCADE, related_name="duty_sessions")
    started_at = models.DateTimeField(_("mulai"))
    ended_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=20, default="handheld")

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["point", "started_at"])]
        verbose_name = _("sesi tugas")
        verbose_name_plural = _("sesi tugas")

    def __str__(self) -> str:
        return f"{self.jukir_id} @ {self.point_id} {self.started_at:%Y-%m-%d %H:%M}"


class StickerStatus(models.TextChoices):
    ACTIVE = "aktif", _("Aktif")
    REVOKED = "dicabut", _("Dicabut")


class Sticker(models.Model):
    """A parkir berlangganan sticker: the vehicle may not be charged at any tepi-jalan point while valid (rule 40)."""

    number = models.CharField(_("nomor stiker"), max_length=40, unique=True)
    barcode = models.CharField(_("barcode"), max_length=80, unique=True)
    plate = models.CharField(_("nomor polisi"), max_length=16, db_index=True)  # normalised: upper case, no spaces
    vehicle_class = models.CharField(_("golongan"), max_length=12, choices=VehicleClass.choices)
    owner_name = models.CharField(_("nama pemilik"), max_length=200, blank=True)  # private
    valid_from = models.DateField(_("berlaku mulai"))
    valid_to = models.DateField(_("berlaku sampai"))
    amount_paid = models.PositiveIntegerField(_("dibayar (Rp)"), default=0)
    regulation = models.CharField(_("dasar hukum"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=StickerStatus.choices, default=StickerStatus.ACTIVE)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-valid_from", "number"]
        verbose_name = _("stiker berlangganan")
        verbose_name_plural = _("stiker berlangganan")

    def __str__(self) -> str:
        return self.number


class PaymentProvider(models.Model):
    """A payment aggregator / acquirer that posts signed webhooks and daily settlement files."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    # HMAC-SHA256 key shared with the aggregator. It must be kept in clear to verify signatures; admin shows it
    # only once when generated.
    webhook_secret = models.CharField(max_length=128, editable=False)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("penyedia pembayaran")
        verbose_name_plural = _("penyedia pembayaran")

    def __str__(self) -> str:
        return self.name


class PaymentMethod(models.TextChoices):
    QRIS_DYNAMIC = "qris_dinamis", _("QRIS dinamis")
    QRIS_STATIC = "qris_statis", _("QRIS statis")
    EMONEY = "uang_elektronik", _("Uang elektronik (kartu)")
    CASH = "tunai", _("Tunai")


CASHLESS_METHODS = (PaymentMethod.QRIS_DYNAMIC, PaymentMethod.QRIS_STATIC, PaymentMethod.EMONEY)


class Channel(models.TextChoices):
    WEBHOOK = "webhook", _("Webhook agregator")
    HANDHELD = "handheld", _("Perangkat jukir")
    ADMIN = "admin", _("Petugas (koreksi)")


class ParkingTransaction(models.Model):
    """An accepted parking payment, tied to a jukir, a point, a vehicle class and a time (rule 39)."""

    # The payment reference is unique per provider (webhook) or per jukir device (handheld): a resend is a no-op.
    reference = models.CharField(_("referensi pembayaran"), max_length=100)
    provider = models.ForeignKey(PaymentProvider, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="transactions", verbose_name=_("penyedia"))
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    # Namespace of the reference, never null so the unique constraint holds on SQLite and PostgreSQL alike:
    # the provider's code for webhooks, "jukir:<code>" for a handheld, "admin:<user id>" for corrections.
    origin = models.CharField(_("asal"), max_length=80)
    point = models.ForeignKey(ParkingPoint, on_delete=models.PROTECT, related_name="transactions",
                              verbose_name=_("titik parkir"))
    jukir = models.ForeignKey(Jukir, on_delete=models.PROTECT, related_name="transactions",
                              verbose_name=_("jukir"))
    operator = models.ForeignKey(ParkingOperator, on_delete=models.PROTECT, related_name="transactions",
                                 verbose_name=_("operator"))  # the point's operator when paid (shares follow it)
    vehicle_class = models.CharField(_("golongan"), max_length=12, choices=VehicleClass.choices)
    method = models.CharField(_("cara bayar"), max_length=16, choices=PaymentMethod.choices)
    amount = models.PositiveIntegerField(_("jumlah (Rp)"))
    tariff_amount = models.PositiveIntegerField(_("tarif berlaku (Rp)"), null=True, blank=True)
    merchant_id = models.CharField(_("NMID / merchant id"), max_length=64, blank=True)
    issuer = models.CharField(_("penerbit"), max_length=60, blank=True)
    plate = models.CharField(_("nomor polisi"), max_length=16, blank=True)
    paid_at = models.DateTimeField(_("waktu bayar"), db_index=True)
    received_at = models.DateTimeField(_("diterima"), default=timezone.now)
    operator_share = models.PositiveIntegerField(_("bagian operator (Rp)"), default=0)
    city_share = models.PositiveIntegerField(_("bagian kota (Rp)"), default=0)
    # Accepted but questionable (e.g. amount differs from the tariff): listed on the audit pages.
    flags = models.JSONField(_("tanda"), default=list, blank=True)
    settled = models.BooleanField(_("sudah direkonsiliasi"), default=False, db_index=True)

    class Meta:
        ordering = ["-paid_at"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "origin", "reference"], name="parking_tx_ref_unique"),
        ]
        indexes = [
            models.Index(fields=["point", "paid_at"], name="parking_tx_point_time"),
            models.Index(fields=["jukir", "paid_at"], name="parking_tx_jukir_time"),
        ]
        verbose_name = _("transaksi parkir")
        verbose_name_plural = _("transaksi parkir")

    def __str__(self) -> str:
        return f"{self.reference} Rp{self.amount}"


class ViolationKind(models.TextChoices):
    CASH_AT_EPARKING = "tunai_eparking", _("Tunai di titik e-parking")
    REVOKED_JUKIR = "jukir_dicabut", _("Jukir dicabut/dibekukan mencatat transaksi")
    UNASSIGNED_JUKIR = "jukir_tidak_bertugas", _("Jukir tidak ditugaskan di titik ini")
    STICKER_CHARGED = "stiker_ditarik", _("Kendaraan berlangganan ditarik bayaran")
    FOREIGN_MERCHANT = "merchant_asing", _("Merchant id bukan milik kota/operator")
    TARIFF_MISMATCH = "tarif_tidak_sesuai", _("Jumlah tidak sesuai tarif")
    UNCONFIRMED_TARIFF = "tarif_belum_ditetapkan", _("Golongan tanpa tarif yang ditetapkan")


class ViolationStatus(models.TextChoices):
    OPEN = "baru", _("Baru")
    REVIEWED = "ditinjau", _("Ditinjau")
    DISMISSED = "ditolak", _("Bukan pelanggaran")


class ParkingViolation(models.Model):
    """A refused or flagged payment attempt, with what was sent (minus private data) and who/where."""

    kind = models.CharField(_("jenis"), max_length=24, choices=ViolationKind.choices, db_index=True)
    point = models.ForeignKey(ParkingPoint, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="violations", verbose_name=_("titik parkir"))
    jukir = models.ForeignKey(Jukir, null=True, blank=True, on_delete=models.PROTECT, related_name="violations",
                              verbose_name=_("jukir"))
    sticker = models.ForeignKey(Sticker, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="violations", verbose_name=_("stiker"))
    transaction = models.ForeignKey(ParkingTransaction, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="violations", verbose_name=_("transaksi"))
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    # Same namespace as ParkingTransaction.origin: a resent refused payment finds its first violation by
    # (channel, origin, reference) instead of piling up copies that would skew the leakage indicators.
    origin = models.CharField(_("asal"), max_length=80, blank=True, default="")
    reference = models.CharField(_("referensi"), max_length=100, blank=True)
    amount = models.PositiveIntegerField(_("jumlah (Rp)"), null=True, blank=True)
    detail = models.TextField(_("keterangan"))
    payload = models.JSONField(_("data yang dikirim"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=ViolationStatus.choices,
                              default=ViolationStatus.OPEN)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    review_note = models.TextField(_("catatan tinjauan"), blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            # One refusal per payment attempt (violations tied to an accepted transaction are flags, not refusals).
            models.UniqueConstraint(fields=["channel", "origin", "reference"], name="parking_refusal_ref_unique",
                                    condition=models.Q(transaction__isnull=True) & ~models.Q(reference="")),
        ]
        verbose_name = _("pelanggaran parkir")
        verbose_name_plural = _("pelanggaran parkir")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class SettlementFile(models.Model):
    """An aggregator's daily settlement file; its SHA-256 makes a re-import a no-op (nothing counted twice)."""

    provider = models.ForeignKey(PaymentProvider, on_delete=models.PROTECT, related_name="settlements")
    settlement_date = models.DateField(_("tanggal settlement"))
    filename = models.CharField(_("nama berkas"), max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)
    lines_total = models.PositiveIntegerField(default=0)
    lines_matched = models.PositiveIntegerField(default=0)
    lines_unmatched = models.PositiveIntegerField(default=0)
    amount_total = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-settlement_date", "-imported_at"]
        verbose_name = _("berkas settlement")
        verbose_name_plural = _("berkas settlement")

    def __str__(self) -> str:
        return f"{self.provider.code} {self.settlement_date}"


class SettlementLineStatus(models.TextChoices):
    MATCHED = "cocok", _("Cocok")
    AMOUNT_MISMATCH = "selisih", _("Jumlah berbeda")
    UNMATCHED = "tidak_ada", _("Tidak ada di platform")
    DUPLICATE = "ganda", _("Ganda (sudah diselesaikan berkas lain)")


class SettlementLine(models.Model):
    file = models.ForeignKey(SettlementFile, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    reference = models.CharField(_("referensi pembayaran"), max_length=100, db_index=True)
    merchant_id = models.CharField(_("merchant id"), max_length=64, blank=True)
    amount = models.PositiveIntegerField(_("jumlah (Rp)"))
    fee = models.PositiveIntegerField(_("biaya MDR (Rp)"), default=0)
    paid_at = models.DateTimeField(_("waktu bayar"), null=True, blank=True)
    # One settlement line settles at most one transaction and a transaction is settled at most once.
    transaction = models.OneToOneField(ParkingTransaction, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="settlement_line")
    status = models.CharField(_("status"), max_length=10, choices=SettlementLineStatus.choices, db_index=True)

    class Meta:
        ordering = ["file", "line_number"]
        verbose_name = _("baris settlement")
        verbose_name_plural = _("baris settlement")

    def __str__(self) -> str:
        return f"{self.reference} Rp{self.amount}"


class OccupancyReading(models.Model):
    """Occupancy of a point over an interval, from sensors via the shared pipeline (one row per point and start)."""

    point = models.ForeignKey(ParkingPoint, on_delete=models.CASCADE, related_name="occupancy")
    start = models.DateTimeField()
    seconds = models.PositiveIntegerField()
    occupied = models.PositiveIntegerField(_("terisi"))
    total = models.PositiveIntegerField(_("jumlah ruang"))
    # Vehicles that arrived in the interval where the sensor counts them (single-space detection); the basis of
    # the expected session count. Null when the sensor only reports occupancy.
    arrivals = models.PositiveIntegerField(_("kedatangan"), null=True, blank=True)
    source = models.CharField(max_length=10, default="http")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["point", "start"], name="parking_occupancy_unique")]
        indexes = [models.Index(fields=["start"], name="parking_occupancy_start")]
        verbose_name = _("okupansi")
        verbose_name_plural = _("okupansi")

    def __str__(self) -> str:
        return f"{self.point_id} {self.start:%Y-%m-%d %H:%M} {self.occupied}/{self.total}"


class LeakageAssessment(models.Model):
    """One point's leakage estimate for one day: expected vs actual revenue and the indicators that fired."""

    point = models.ForeignKey(ParkingPoint, on_delete=models.CASCADE, related_name="leakage")
    day = models.DateField(_("tanggal"), db_index=True)
    expected_sessions = models.FloatField(_("sesi diharapkan"))
    paid_sessions = models.PositiveIntegerField(_("sesi dibayar"))
    expected_revenue = models.PositiveBigIntegerField(_("pendapatan diharapkan (Rp)"))
    actual_revenue = models.PositiveBigIntegerField(_("pendapatan tercatat (Rp)"))
    estimated_loss = models.BigIntegerField(_("perkiraan kebocoran (Rp)"))
    leakage_ratio = models.FloatField(_("rasio kebocoran"))  # 1 - actual/expected, can be negative
    basis = models.CharField(_("dasar perkiraan"), max_length=20)  # sensor | peer | history
    score = models.FloatField(_("skor"), default=0)
    # [{"code": "cashless_share", "fired": true, "value": 0.4, "threshold": 0.9, "text": "..."}]
    indicators = models.JSONField(_("indikator"), default=list)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-estimated_loss"]
        constraints = [models.UniqueConstraint(fields=["point", "day"], name="parking_leakage_unique")]
        verbose_name = _("penilaian kebocoran")
        verbose_name_plural = _("penilaian kebocoran")

    def __str__(self) -> str:
        return f"{self.point_id} {self.day}: Rp{self.estimated_loss}"
