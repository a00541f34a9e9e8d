"""The identity key of every participant (the duplicate rule as one column), and the limit of
the withdrawal reason. A person entered twice before this migration keeps the key on the
first record only; the later record gets it when it is next saved, which the duplicate rule
then refuses until the two are brought together."""

import django.core.validators
from django.db import migrations, models

from participants.models import identity_key

BATCH = 2000


def fill_identity_keys(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    seen = set()
    batch = []
    for participant in Participant.objects.order_by("id").iterator(chunk_size=BATCH):
        key = identity_key(
            first_name=participant.first_name,
            last_name=participant.last_name,
            date_of_birth=participant.date_of_birth,
        )
        if key in seen:
            continue
        seen.add(key)
        participant.identity_key = key
        batch.append(participant)
        if len(batch) == BATCH:
            Participant.objects.bulk_update(batch, ["identity_key"])
            batch = []
    Participant.objects.bulk_update(batch, ["identity_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0003_indexes_for_large_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="identity_key",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=64,
                null=True,
                verbose_name="identiteitssleutel",
            ),
        ),
        migrations.RunPython(fill_identity_keys, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="trajectory",
            name="withdrawal_reason",
            field=models.TextField(
                blank=True,
                max_length=1000,
                validators=[django.core.validators.MaxLengthValidator(1000)],
                verbose_name="reden van intrekking",
            ),
        ),
        migrations.AlterConstraint(
            model_name="participant",
            name="client_number_unique_per_municipality",
            constraint=models.UniqueConstraint(
                condition=models.Q(("client_number", ""), _negated=True),
                fields=("municipality", "client_number"),
                name="client_number_unique_per_municipality",
                violation_error_code="duplicate",
                violation_error_message="Deze gemeente heeft al een deelnemer met dit klantnummer.",
            ),
        ),
    ]
