"""``manage.py backup``: the database and the archived documents as one set (waw/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from waw import backup


class Command(BaseCommand):
    help = (
        "Maakt één back-up van de database en de mediamap (gearchiveerde documenten), met een "
        "manifest van SHA-256-controlesommen; --encrypt versleutelt hem met gpg."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=None,
            help="Map voor de back-up (standaard BACKUP_DIR).",
        )
        parser.add_argument(
            "--encrypt",
            action="store_true",
            help="Versleutel met gpg (AES-256) met het wachtwoord uit BACKUP_PASSPHRASE_FILE.",
        )

    def handle(self, *args, output_dir, encrypt, **options):
        try:
            path = backup.create(
                output_dir=output_dir or Path(settings.BACKUP_DIR), encrypted=encrypt
            )
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Back-up geschreven: {path}"))
