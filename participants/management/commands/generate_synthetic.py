from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from participants.synthetic import generate_synthetic


class Command(BaseCommand):
    help = (
        "Maakt synthetische deelnemers en trajecten voor prestatiemetingen (alleen in een lege "
        "database; dezelfde seed geeft dezelfde gegevens)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, required=True, help="aantal deelnemers")
        parser.add_argument("--years", type=int, required=True, help="aantal jaren geschiedenis")
        parser.add_argument(
            "--municipalities", type=int, required=True, help="aantal gemeenten (1 tot 342)"
        )
        parser.add_argument("--seed", type=int, default=1, help="startwaarde van het toeval")

    def handle(self, *args, **options):
        try:
            report = generate_synthetic(
                participants=options["participants"],
                years=options["years"],
                municipalities=options["municipalities"],
                seed=options["seed"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.participants} deelnemers en {report.trajectories} trajecten in "
                f"{report.municipalities} gemeenten aangemaakt ({report.municipalities_created} "
                f"nieuwe gemeenten, {report.agreements_created} jaarafspraken aangevuld) in "
                f"{report.seconds:.1f} s."
            )
        )
