"""Invented invoice data for the demo municipalities (never in production).

Well-formed, so the demo's invoices pass the official e-invoice rules, and recognisably not
real: demo streets, OINs and KvK numbers that belong to no one, e-mail at .invalid.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from waw.models import Municipality
from waw.services import municipality_invoice_data_set

# slug → (street, house number, Postbus, postcode); a Postbus for some, a street for others,
# and one municipality known by its KvK number only, so the demo shows every shape.
DEMO_ADDRESSES = {
    "hilversum": ("", "", "9900", "1200 GM"),
    "gooise-meren": ("Demoplein", "1", "", "1401 AA"),
    "huizen": ("", "", "5", "1270 AA"),
    "wijdemeren": ("Voorbeeldlaan", "12a", "", "1231 BB"),
    "blaricum": ("Proefstraat", "3", "", "1261 CC"),
    "laren": ("Testweg", "7", "", "1251 DD"),
    "eemnes": ("Oefenhof", "2", "", "3755 EE"),
}
KVK_ONLY = {"eemnes"}


@transaction.atomic
def load_demo_municipality_data() -> int:
    """Give each demo municipality that has no invoice address yet invented invoice data;
    returns how many were filled in. Only with DEBUG on."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demogegevens worden alleen geladen als DEBUG aan staat.")
    filled = 0
    for number, municipality in enumerate(Municipality.objects.order_by("name"), start=1):
        if municipality.invoice_city or municipality.slug not in DEMO_ADDRESSES:
            continue
        street, house_number, po_box, postcode = DEMO_ADDRESSES[municipality.slug]
        kvk_only = municipality.slug in KVK_ONLY
        municipality_invoice_data_set(
            municipality=municipality,
            data={
                "invoice_department": "Crediteurenadministratie (demo)",
                "invoice_street": street,
                "invoice_house_number": house_number,
                "invoice_po_box": po_box,
                "invoice_postcode": postcode,
                "invoice_city": municipality.name,
                "invoice_email": f"facturen@{municipality.slug}.demo.invalid",
                "oin": "" if kvk_only else f"0000000999{number:010d}",
                "kvk": f"9999{number:04d}",
            },
        )
        filled += 1
    return filled
