from django.conf import settings
from django.core.management.base import BaseCommand

from participants.demo import load_demo_referrals, load_demo_trajectories
from waw.demo import load_demo_municipality_data


class Command(BaseCommand):
    help = (
        "Laadt verzonnen demo-deelnemers en -trajecten en factuurgegevens van de gemeenten "
        "(alleen met DEBUG aan; idempotent)."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stdout.write("DEBUG staat uit: geen demogegevens (productie).")
            return
        filled = load_demo_municipality_data()
        if filled:
            self.stdout.write(
                self.style.SUCCESS(f"Verzonnen factuurgegevens voor {filled} gemeenten ingevuld.")
            )
        created = load_demo_trajectories()
        if created:
            self.stdout.write(self.style.SUCCESS(f"{created} demo-trajecten aangemaakt."))
        else:
            self.stdout.write("Er zijn al trajecten; geen demogegevens toegevoegd.")
        referred = load_demo_referrals()
        if referred:
            self.stdout.write(
                self.style.SUCCESS(f"{referred} demo-aanmeldingen van klantmanagers aangemaakt.")
            )
