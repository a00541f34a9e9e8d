from django.conf import settings
from django.core.management.base import BaseCommand

from waw.roles import Role
from waw.services import create_demo_accounts


class Command(BaseCommand):
    help = (
        "Maakt demo-accounts aan voor elke rol (alleen met DEBUG aan) "
        "en toont nieuwe wachtwoorden eenmalig."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stdout.write("DEBUG staat uit: geen demo-accounts (productie).")
            return
        accounts = create_demo_accounts()
        new = [account for account in accounts if account.password]
        if not new:
            self.stdout.write(
                "Demo-accounts bestaan al (wachtwoorden zijn eerder getoond). "
                "Nieuwe wachtwoorden: python manage.py changepassword <gebruikersnaam>."
            )
            return
        self.stdout.write(
            self.style.SUCCESS("Demo-accounts (wachtwoorden worden maar één keer getoond):")
        )
        for account in new:
            role = Role(account.role).label + (
                f" {account.municipality}" if account.municipality else ""
            )
            self.stdout.write(f"  {account.username:<24} {account.password:<20} {role}")
