"""The general SLA rules (no category), each with its source. A city changes them in the admin, not here."""

from django.db import migrations

RULES = [
    ("verify", 3, "hk",
     "LAPOR! FAQ: verifikasi admin paling lama 3 hari kerja (egov-rules §3.4; §9 aturan 1)"),
    ("respond", 5, "hk",
     "Aplikasi SP4N-LAPOR!: koordinasi dan tindak lanjut instansi paling lama 5 hari kerja (egov-rules §3.4; "
     "§9 aturan 2)"),
    ("confirm", 10, "hk",
     "Aplikasi iOS SP4N-LAPOR! (KemenPAN-RB): dianggap selesai bila ada tindak lanjut dan 10 hari kerja tanpa "
     "tanggapan pelapor (complaints-open311-lapor.md §3.4)"),
    ("resolve", 60, "hari",
     "Perpres 76/2013: selesai paling lama 60 hari sejak berkas lengkap; hari kalender atau hari kerja belum "
     "pasti [U], satuan dapat diubah (egov-rules §3.1, §9 aturan 3)"),
]


def insert(apps, schema_editor):
    SlaRule = apps.get_model("complaints", "SlaRule")
    for stage, amount, unit, source in RULES:
        SlaRule.objects.get_or_create(
            stage=stage, category=None, defaults={"amount": amount, "unit": unit, "source": source}
        )


def remove(apps, schema_editor):
    SlaRule = apps.get_model("complaints", "SlaRule")
    for stage, _amount, _unit, source in RULES:
        SlaRule.objects.filter(stage=stage, category=None, source=source).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(insert, remove),
    ]
