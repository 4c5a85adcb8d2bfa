"""2026 libur nasional and cuti bersama from the SKB 3 Menteri, as data (egov-rules §8.2).

Source: SKB Menteri Agama 1497/2025, Menteri Ketenagakerjaan 2/2025, Menteri PAN-RB 5/2025 (17 libur nasional +
8 cuti bersama), list as published in egov-rules.md §8.2 [S124], weekdays checked. The `holidays` package (0.109)
lists the same 17 libur nasional; they are repeated here so the table names its legal source and still holds if
the package changes. Cuti bersama live only here.
"""

from django.db import migrations

SOURCE = "SKB Menag 1497/2025, Menaker 2/2025, MenPAN-RB 5/2025 (hari libur nasional dan cuti bersama 2026)"

LIBUR_2026 = [
    ("2026-01-01", "Tahun Baru 2026 Masehi"),
    ("2026-01-16", "Isra Mikraj Nabi Muhammad SAW"),
    ("2026-02-17", "Tahun Baru Imlek 2577 Kongzili"),
    ("2026-03-19", "Hari Suci Nyepi Tahun Baru Saka 1948"),
    ("2026-03-21", "Idul Fitri 1447 Hijriah"),
    ("2026-03-22", "Idul Fitri 1447 Hijriah (hari kedua)"),
    ("2026-04-03", "Wafat Yesus Kristus"),
    ("2026-04-05", "Kebangkitan Yesus Kristus (Paskah)"),
    ("2026-05-01", "Hari Buruh Internasional"),
    ("2026-05-14", "Kenaikan Yesus Kristus"),
    ("2026-05-27", "Idul Adha 1447 Hijriah"),
    ("2026-05-31", "Hari Raya Waisak 2570 BE"),
    ("2026-06-01", "Hari Lahir Pancasila"),
    ("2026-06-16", "1 Muharam Tahun Baru Islam 1448 Hijriah"),
    ("2026-08-17", "Hari Kemerdekaan Republik Indonesia"),
    ("2026-08-25", "Maulid Nabi Muhammad SAW"),
    ("2026-12-25", "Hari Raya Natal"),
]

CUTI_BERSAMA_2026 = [
    ("2026-02-16", "Cuti bersama Tahun Baru Imlek"),
    ("2026-03-18", "Cuti bersama Hari Suci Nyepi"),
    ("2026-03-20", "Cuti bersama Idul Fitri 1447 Hijriah"),
    ("2026-03-23", "Cuti bersama Idul Fitri 1447 Hijriah"),
    ("2026-03-24", "Cuti bersama Idul Fitri 1447 Hijriah"),
    ("2026-05-15", "Cuti bersama Kenaikan Yesus Kristus"),
    ("2026-05-28", "Cuti bersama Idul Adha 1447 Hijriah"),
    ("2026-12-24", "Cuti bersama Hari Raya Natal"),
]


def insert(apps, schema_editor):
    Holiday = apps.get_model("core", "Holiday")
    for kind, rows in (("libur", LIBUR_2026), ("cuti_bersama", CUTI_BERSAMA_2026)):
        for day, name in rows:
            # get_or_create: an admin may already have entered the day; keep their row.
            Holiday.objects.get_or_create(date=day, kind=kind, defaults={"name": name, "source": SOURCE})


def remove(apps, schema_editor):
    apps.get_model("core", "Holiday").objects.filter(source=SOURCE).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(insert, remove),
    ]
