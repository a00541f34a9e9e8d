from pathlib import Path
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from waw.job_commands import import_in_foreground
from waw.models import Job


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
        # The same task function as the worker's, run here (waw/job_commands.py).
        outcome = import_in_foreground(self, kind=Job.Kind.GROUP_IMPORT, path=path, user=user)
        result = SimpleNamespace(rows=outcome["rows"], **outcome["counts"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows} regels ingelezen: groepen {result.created} nieuw, "
                f"{result.updated} bijgewerkt, {result.unchanged} ongewijzigd; "
                f"{result.started} gestart, {result.cancelled} geannuleerd."
            )
        )
