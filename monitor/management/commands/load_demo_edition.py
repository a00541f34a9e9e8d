from django.conf import settings
from django.core.management.base import BaseCommand

from monitor.demo import load_demo_edition


class Command(BaseCommand):
    help = (
        "Publiceert één demo-editie van de monitor, zodat een bestuurder meteen een monitor ziet "
        "(alleen met DEBUG aan; idempotent)."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stdout.write("DEBUG staat uit: geen demo-editie (productie).")
            return
        edition = load_demo_edition()
        if edition:
            self.stdout.write(self.style.SUCCESS(f"{edition.title} gepubliceerd (demo)."))
        else:
            self.stdout.write("Er is al een gepubliceerde editie (of geen demodata): niets gedaan.")
