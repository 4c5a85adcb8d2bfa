"""The database table of the "shared" cache (settings.CACHES) in the embedded default: `createcachetable` run by
migrate, so a fresh install, the tests and the benches have it without another setup step. With Redis the alias
is not a database cache and the command does nothing."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("command_center", "0002_fact_watermark_gaps")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
