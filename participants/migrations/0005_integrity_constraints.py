"""One record per person (the identity key) and one running trajectory per participant and
project, in the database, so that two sessions enrolling at the same moment cannot both win."""

from django.db import migrations, models
from django.db.models import Count


def refuse_open_duplicates(apps, schema_editor):
    Trajectory = apps.get_model("participants", "Trajectory")
    doubles = list(
        Trajectory.objects.filter(end_date__isnull=True, withdrawn_at__isnull=True)
        .values("participant_id", "project_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)[:20]
    )
    if doubles:
        pairs = ", ".join(f"deelnemer {d['participant_id']} in project {d['project_id']}" for d in doubles)
        raise RuntimeError(
            "Er lopen nog trajecten dubbel (zelfde deelnemer, zelfde project): "
            f"{pairs}. Beëindig of trek er één van elk paar in en migreer opnieuw."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0004_participant_identity_key"),
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(refuse_open_duplicates, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.UniqueConstraint(
                fields=("identity_key",),
                name="participant_identity_unique",
                violation_error_code="duplicate",
                violation_error_message="Er is al een deelnemer met deze naam en geboortedatum.",
            ),
        ),
        migrations.AddConstraint(
            model_name="trajectory",
            constraint=models.UniqueConstraint(
                condition=models.Q(("end_date__isnull", True), ("withdrawn_at__isnull", True)),
                fields=("participant", "project"),
                name="one_open_trajectory_per_participant_and_project",
                violation_error_code="duplicate",
                violation_error_message="Deze deelnemer heeft al een lopend traject in dit project.",
            ),
        ),
    ]
