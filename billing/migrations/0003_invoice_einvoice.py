"""Every issued document gets its e-invoice (UBL XML) archived beside its PDF.

SQLite adds a NOT NULL column by rebuilding the table, which would silently drop the triggers
that keep issued documents immutable (migration 0002); they are lifted for the rebuild and put
back in the same migration.
"""

import importlib

from django.db import migrations, models

immutable = importlib.import_module("billing.migrations.0002_issued_documents_are_immutable")


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_issued_documents_are_immutable"),
    ]

    operations = [
        migrations.RunPython(immutable.drop_triggers, immutable.create_triggers),
        migrations.AddField(
            model_name="invoice",
            name="xml",
            field=models.FileField(
                blank=True, max_length=200, upload_to="facturen/%Y/", verbose_name="e-factuur (UBL)"
            ),
        ),
        migrations.AddField(
            model_name="invoice",
            name="xml_sha256",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="SHA-256 van de e-factuur"
            ),
        ),
        migrations.RunPython(immutable.create_triggers, immutable.drop_triggers),
    ]
