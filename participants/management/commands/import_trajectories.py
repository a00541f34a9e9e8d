from pathlib import Path
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from waw.job_commands import import_in_foreground
from waw.models import Job


class Command(BaseCommand):
    help = "Leest aanmeldingen in uit een CSV- of XLSX-bestand: alles of niets."

    def add_arguments(self, parser):
        parser.add_argument("file", help="pad naar het .csv- of .xlsx-bestand")
        parser.add_argument("--user", help="gebruikersnaam die in de geschiedenis komt te staan")

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
        outcome = import_in_foreground(self, kind=Job.Kind.TRAJECTORY_IMPORT, path=path, user=user)
        result = SimpleNamespace(rows=outcome["rows"], **outcome["counts"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows} regels ingelezen: deelnemers {result.participants_created} nieuw, "
                f"{result.participants_matched} herkend; trajecten {result.trajectories_created} "
                f"nieuw, {result.trajectories_updated} bijgewerkt, "
                f"{result.trajectories_unchanged} ongewijzigd."
            )
        )
