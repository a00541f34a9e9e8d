from django.db import migrations, models


def mark_cost_lines(apps, schema_editor):
    """The reference data's cost line (projects/data/reference.toml) in an existing database."""
    Project = apps.get_model("projects", "Project")
    Project.objects.filter(slug="divosa-benchmark").update(takes_participants=False)


class Migration(migrations.Migration):
    dependencies = [("projects", "0008_project_expected_months")]

    operations = [
        migrations.AddField(
            model_name="project",
            name="takes_participants",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Uitvinken voor een kostenpost zonder deelnemers, zoals de Divosa Benchmark: "
                    "het project is dan niet te kiezen bij aanmelden, groepen en importeren."
                ),
                verbose_name="neemt deelnemers aan",
            ),
        ),
        migrations.RunPython(mark_cost_lines, migrations.RunPython.noop),
    ]
