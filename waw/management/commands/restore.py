"""``manage.py restore <file>``: put a backup set back (waw/backup.py). Stop the application
first; afterwards run ``migrate`` and ``verify_archive``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from waw import backup


class Command(BaseCommand):
    help = (
        "Zet een back-up van database en mediamap terug. Controleert eerst elk onderdeel tegen "
        "het manifest; een beschadigde back-up wordt geweigerd en verandert niets."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Het back-upbestand (.tar of .tar.gpg).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Vervang een database of mediamap die niet leeg is (alles wat er staat).",
        )
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="Controleer de back-up alleen tegen het manifest; zet niets terug.",
        )

    def handle(self, *args, path, replace, check_only, **options):
        if not path.is_file():
            raise CommandError(f"Back-up {path} bestaat niet.")
        try:
            if check_only:
                manifest = backup.check_file(path)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Back-up in orde: {len(manifest['members'])} onderdelen van "
                        f"{manifest['created_at']}."
                    )
                )
                return
            manifest = backup.restore(path=path, replace=replace)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        if manifest.get("replaced_media"):
            self.stdout.write(
                f"De vervangen mediamap staat in {manifest['replaced_media']}; verwijder hem als "
                "de applicatie na het terugzetten goed werkt."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Teruggezet: de back-up van {manifest['created_at']} "
                f"({len(manifest['members'])} onderdelen). Voer nu `manage.py migrate` en "
                "`manage.py verify_archive` uit."
            )
        )
