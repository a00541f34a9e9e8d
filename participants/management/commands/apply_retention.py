from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from participants.services import apply_retention


class Command(BaseCommand):
    help = (
        "Anonimiseert deelnemers van wie het laatste traject langer dan de bewaartermijn geleden "
        "is geëindigd (AVG). Cijfers en facturen blijven intact."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years",
            type=int,
            default=None,
            help=f"bewaartermijn in jaren (standaard RETENTION_YEARS: {settings.RETENTION_YEARS})",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="alleen tonen wie zou worden geanonimiseerd; er verandert niets",
        )

    def handle(self, *args, **options):
        years = options["years"] if options["years"] is not None else settings.RETENTION_YEARS
        if years < 1:
            raise CommandError("De bewaartermijn is minstens 1 jaar.")
        dry_run = options["dry_run"]
        result = apply_retention(today=timezone.localdate(), years=years, dry_run=dry_run)
        done = "zou anonimiseren" if dry_run else "geanonimiseerd"
        for participant in result.participants:
            self.stdout.write(f"{done}: deelnemer {participant.pk} ({participant.municipality})")
        for referral in result.referrals:
            self.stdout.write(f"{done}: aanmelding {referral.pk} ({referral.municipality})")
        verb = "zouden worden geanonimiseerd" if dry_run else "geanonimiseerd"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.participants)} deelnemer(s) en {len(result.referrals)} "
                f"aanmelding(en) {verb} (bewaartermijn {years} jaar)."
            )
        )
