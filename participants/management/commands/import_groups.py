from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from participants.group_import import import_groups


class Command(BaseCommand):
    help = (
        "Leest groepen (klassen) in uit een CSV- of XLSX-bestand: alles of niets. Kolommen: "
        "project, groep, startdatum, tariefoptie, status, reden (en optioneel capaciteit)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="pad naar het .csv- of .xlsx-bestand")
        parser.add_argument("--user", help="gebruikersnaam die bij de besluiten komt te staan")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Bestand niet gevonden: {path}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Onbekende gebruiker: {options['user']}")
        result = import_groups(user=user, name=path.name, path=path)
        if not result.ok:
            for error in result.errors:
                column = f" [{error.column}]" if error.column else ""
                self.stderr.write(f"regel {error.row}{column}: {error.message}")
            raise CommandError(f"{len(result.errors)} probleem/problemen; er is niets ingelezen.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows} regels ingelezen: groepen {result.created} nieuw, "
                f"{result.updated} bijgewerkt, {result.unchanged} ongewijzigd; "
                f"{result.started} gestart, {result.cancelled} geannuleerd."
            )
        )
