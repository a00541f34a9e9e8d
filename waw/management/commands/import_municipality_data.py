from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from waw.importing import COLUMNS, import_municipality_data


class Command(BaseCommand):
    help = (
        "Leest de factuurgegevens van de gemeenten in uit een CSV- of XLSX-bestand (alles of "
        f"niets). Kolommen: gemeente, {', '.join(COLUMNS)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="pad naar het .csv- of .xlsx-bestand")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Bestand niet gevonden: {path}")
        result = import_municipality_data(name=path.name, data=path.read_bytes())
        if not result.ok:
            for error in result.errors:
                column = f" [{error.column}]" if error.column else ""
                self.stderr.write(f"regel {error.row}{column}: {error.message}")
            raise CommandError(f"{len(result.errors)} probleem/problemen; er is niets ingelezen.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Factuurgegevens ingelezen voor {len(result.updated)} gemeenten: "
                + ", ".join(result.updated)
            )
        )
