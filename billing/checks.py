"""System check: the sender on invoices (REGIO_* settings) must be complete before real use.

In production the application refuses to start while a sender setting is missing, a
placeholder or malformed (every invoice would be refused by the municipalities' systems); in
development it warns, so a fresh checkout still runs.
"""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def check_invoice_sender(app_configs=None, **kwargs):
    from billing.selectors import sender_problems

    problems = sender_problems(settings.INVOICE_SENDER)
    if not problems:
        return []
    production = settings.PRODUCTION
    level = checks.Error if production else checks.Warning
    return [
        level(
            "De afzender op facturen is niet compleet: " + "; ".join(problems) + ".",
            hint=(
                "Zet de REGIO_*-variabelen (zie README, Configuratie); "
                + (
                    "in productie start de applicatie niet zonder."
                    if production
                    else "een factuurrun wordt tot dan geweigerd."
                )
            ),
            id="billing.E001" if production else "billing.W001",
        )
    ]
