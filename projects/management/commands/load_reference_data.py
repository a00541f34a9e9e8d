from django.core.management.base import BaseCommand

from projects.services import REFERENCE_DATA, load_reference_data


class Command(BaseCommand):
    help = (
        "Laadt gemeenten, programma's, projecten, tarieven, besluiten en begrotingen "
        "uit de documenten (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(REFERENCE_DATA), help="TOML-bestand met referentiegegevens"
        )

    def handle(self, *args, **options):
        report = load_reference_data(path=options["file"])
        if report.created:
            summary = ", ".join(f"{count} {label}" for label, count in report.created.items())
            self.stdout.write(self.style.SUCCESS(f"Referentiegegevens geladen: {summary}."))
        else:
            self.stdout.write("Referentiegegevens waren al geladen; niets gewijzigd.")
