"""Drop the single-column detector_id index of the raw readings and the three rollup tables.

Each table has a unique (detector_id, start | bucket_start) index that serves every lookup by detector (its
leading column), so the FK's own index only cost space (bench/traffic_queries.py: 11 B per row on SQLite, 7 B on
PostgreSQL, per table; 69 MB for 10 million readings on PostgreSQL) and one more index to update on every insert.
Plain DROP INDEX rather than AlterField, because on SQLite AlterField rebuilds the whole table, which for tens of
millions of readings would hold the migration for minutes; the index names are Django's, the same on both engines.
"""

from django.db import migrations, models

TABLES = {
    "trafficreading": ("traffic_trafficreading", "traffic_trafficreading_detector_id_746920e3"),
    "rollup5min": ("traffic_rollup5min", "traffic_rollup5min_detector_id_616df896"),
    "rollup15min": ("traffic_rollup15min", "traffic_rollup15min_detector_id_576ff6d8"),
    "rolluphour": ("traffic_rolluphour", "traffic_rolluphour_detector_id_a262a8d2"),
}


class Migration(migrations.Migration):

    dependencies = [
        ("traffic", "0002_engineering_alarms_health"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=model,
                    name="detector",
                    field=models.ForeignKey(db_index=False, on_delete=models.deletion.CASCADE,
                                            related_name="readings" if model == "trafficreading" else "+",
                                            to="traffic.detector"),
                )
                for model in TABLES
            ],
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{index}"',
                                  reverse_sql=f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("detector_id")')
                for table, index in TABLES.values()
            ],
        ),
    ]
