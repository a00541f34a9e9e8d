"""Convert each municipality's free-text invoice address into the new fields, once.

An address that parses (postcode with city, and street with number or a Postbus) moves into the
fields and its text is cleared; one that does not stays as text, and the migration names it, so
the beheerder fills in the fields on the municipality's invoice-data page.
"""

from django.db import migrations

from waw.postal import parse_dutch_address


def convert(apps, schema_editor):
    Municipality = apps.get_model("waw", "Municipality")
    not_parsed = []
    for municipality in Municipality.objects.exclude(invoice_address="").order_by("name"):
        parsed = parse_dutch_address(municipality.invoice_address)
        if parsed is None:
            not_parsed.append(municipality.name)
            continue
        address = parsed.address
        municipality.invoice_street = address.street
        municipality.invoice_house_number = address.house_number
        municipality.invoice_po_box = address.po_box
        municipality.invoice_postcode = address.postcode
        municipality.invoice_city = address.city
        municipality.invoice_department = municipality.invoice_department or parsed.department
        municipality.invoice_address = ""
        municipality.save()
    if not_parsed:
        print(  # noqa: T201 - a migration's only way to tell the operator
            "\n  Factuuradres niet herkend (blijft als oude tekst staan; vul de velden in op "
            "Gemeenten → Factuurgegevens): " + ", ".join(not_parsed)
        )


def back(apps, schema_editor):
    Municipality = apps.get_model("waw", "Municipality")
    for municipality in Municipality.objects.filter(invoice_address="").exclude(invoice_city=""):
        street = (
            f"Postbus {municipality.invoice_po_box}"
            if municipality.invoice_po_box
            else f"{municipality.invoice_street} {municipality.invoice_house_number}".strip()
        )
        lines = [municipality.invoice_department, street]
        lines.append(f"{municipality.invoice_postcode} {municipality.invoice_city}")
        municipality.invoice_address = "\n".join(line for line in lines if line)
        municipality.save()


class Migration(migrations.Migration):
    dependencies = [("waw", "0003_municipality_invoice_data")]

    operations = [migrations.RunPython(convert, back)]
