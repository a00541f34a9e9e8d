"""A municipality's invoice data: structured address, OIN and/or KvK, department and e-mail,
entered on a page or in bulk, each value checked with a Dutch message giving its form."""

import importlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.factories import MunicipalityFactory
from waw import identifiers as ids
from waw.importing import import_municipality_data
from waw.models import Municipality
from waw.postal import parse_dutch_address
from waw.services import municipality_invoice_data_set

# --- identifiers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("validator", "value"),
    [
        (ids.validate_oin, "00000001002345678000"),
        (ids.validate_kvk, "12345678"),
        (ids.validate_vat_id, "NL001234567B01"),
        (ids.validate_postcode, "1217 JE"),
        (ids.validate_iban, "NL91ABNA0417164300"),
        (ids.validate_house_number, "12a"),
    ],
)
def test_well_formed_identifiers_are_accepted(validator, value):
    assert ids.problem(value, validator) == ""


@pytest.mark.parametrize(
    ("validator", "value", "expected"),
    [
        (ids.validate_oin, "1234", "20 cijfers"),
        (ids.validate_kvk, "1234567", "8 cijfers"),
        (ids.validate_vat_id, "NL001234567", "NL123456789B01"),
        (ids.validate_postcode, "1217je", "1234 AB"),
        (ids.validate_postcode, "0217 JE", "1234 AB"),
        (ids.validate_iban, "NL91ABNA041716430", "NL91 ABNA 0417 1643 00"),
        (ids.validate_iban, "NL91ABNA0417164301", "controlegetal"),
    ],
)
def test_malformed_identifiers_get_a_dutch_message_with_the_expected_form(
    validator, value, expected
):
    assert expected in ids.problem(value, validator)


def test_typed_forms_are_normalised_before_they_are_checked():
    assert ids.normalise_postcode("1217je") == "1217 JE"
    assert ids.normalise_iban("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"
    assert ids.format_iban("NL91ABNA0417164300") == "NL91 ABNA 0417 1643 00"


def test_a_placeholder_in_brackets_is_missing():
    assert ids.is_missing("[IBAN]") and ids.is_missing(" ") and not ids.is_missing("NL91")


# --- free-text addresses ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "street", "number", "po_box", "postcode", "city", "department"),
    [
        ("Postbus 9900, 1201 GM Hilversum", "", "", "9900", "1201 GM", "Hilversum", ""),
        ("Dudokpark 1\n1217jE  Hilversum", "Dudokpark", "1", "", "1217 JE", "Hilversum", ""),
        (
            "T.a.v. crediteurenadministratie\nPostbus 5\n1270 AA Huizen",
            "",
            "",
            "5",
            "1270 AA",
            "Huizen",
            "crediteurenadministratie",
        ),
        (
            "Burg. de Withstraat 12a\n1211 AA Hilversum",
            "Burg. de Withstraat",
            "12a",
            "",
            "1211 AA",
            "Hilversum",
            "",
        ),
    ],
)
def test_free_text_address_is_split_into_fields(
    text, street, number, po_box, postcode, city, department
):
    parsed = parse_dutch_address(text)

    address = parsed.address
    assert (address.street, address.house_number, address.po_box) == (street, number, po_box)
    assert (address.postcode, address.city, parsed.department) == (postcode, city, department)


@pytest.mark.parametrize("text", ["", "alleen een regel", "Dudokpark 1", "1217 JE Hilversum"])
def test_free_text_address_without_postcode_city_or_street_is_not_parsed(text):
    assert parse_dutch_address(text) is None


def test_migration_converts_the_free_text_addresses_that_parse_and_names_the_rest(db, capsys):
    from django.apps import apps

    MunicipalityFactory(name="Huizen", invoice_address="Postbus 5\n1270 AA Huizen", invoice_city="")
    MunicipalityFactory(name="Laren", invoice_address="ergens in het Gooi", invoice_city="")
    migration = importlib.import_module("waw.migrations.0004_convert_invoice_address")

    migration.convert(apps, None)

    huizen, laren = Municipality.objects.get(name="Huizen"), Municipality.objects.get(name="Laren")
    assert (huizen.invoice_po_box, huizen.invoice_postcode, huizen.invoice_city) == (
        "5",
        "1270 AA",
        "Huizen",
    )
    assert huizen.invoice_address == ""
    assert laren.invoice_address == "ergens in het Gooi"
    output = capsys.readouterr().out
    assert "niet herkend" in output and "Laren" in output and "Huizen" not in output


# --- the model's rules --------------------------------------------------------------------


def test_street_and_postbus_together_are_refused(huizen):
    with pytest.raises(ValidationError) as error:
        municipality_invoice_data_set(municipality=huizen, data={"invoice_po_box": "5"})

    assert "óf een postbus" in str(error.value.message_dict["invoice_po_box"])


def test_street_without_house_number_is_refused(huizen):
    with pytest.raises(ValidationError) as error:
        municipality_invoice_data_set(municipality=huizen, data={"invoice_house_number": ""})

    assert "huisnummer" in str(error.value.message_dict["invoice_house_number"])


def test_typed_postcode_and_oin_are_stored_in_their_standard_form(huizen):
    municipality_invoice_data_set(
        municipality=huizen,
        data={"invoice_postcode": "1271ab", "oin": "0000 0001 0023 4567 8000"},
    )

    huizen.refresh_from_db()
    assert (huizen.invoice_postcode, huizen.oin) == ("1271 AB", "00000001002345678000")


# --- the page -----------------------------------------------------------------------------

VALID_POST = {
    "invoice_department": "Team Financiën",
    "invoice_street": "",
    "invoice_house_number": "",
    "invoice_po_box": "15",
    "invoice_postcode": "1270aa",
    "invoice_city": "Huizen",
    "invoice_email": "facturen@huizen.example",
    "oin": "",
    "kvk": "12345678",
}


def test_coordinator_enters_a_municipalitys_invoice_data_on_its_page(
    huizen, coordinator, client_for
):
    response = client_for(coordinator).post(
        f"/gemeenten/{huizen.slug}/factuurgegevens/", VALID_POST
    )

    assert response.status_code == 302
    huizen.refresh_from_db()
    assert (huizen.invoice_po_box, huizen.invoice_postcode, huizen.kvk) == (
        "15",
        "1270 AA",
        "12345678",
    )


def test_malformed_kvk_on_the_page_is_refused_with_the_expected_form(
    huizen, coordinator, client_for
):
    response = client_for(coordinator).post(
        f"/gemeenten/{huizen.slug}/factuurgegevens/", {**VALID_POST, "kvk": "1234"}
    )

    assert response.status_code == 400
    assert "Een KvK-nummer bestaat uit precies 8 cijfers." in response.content.decode()
    huizen.refresh_from_db()
    assert huizen.kvk == ""


def test_municipality_list_says_what_each_still_lacks(huizen, laren, coordinator, client_for):
    laren.invoice_city = ""
    laren.save()

    content = client_for(coordinator).get("/gemeenten/").content.decode()

    assert "plaats ontbreekt" in content and "compleet" in content


def test_municipality_list_queries_do_not_grow_with_municipalities(
    huizen, laren, coordinator, client_for, django_assert_max_num_queries
):
    from tests.waw.test_query_budgets import queries_of

    client = client_for(coordinator)
    budget = queries_of(client, "/gemeenten/")
    for number in range(20):
        MunicipalityFactory(name=f"Extra {number}")

    with django_assert_max_num_queries(budget):
        assert client.get("/gemeenten/").status_code == 200


def test_gemeente_user_cannot_change_invoice_data(huizen, huizen_user, client_for):
    response = client_for(huizen_user).post(
        f"/gemeenten/{huizen.slug}/factuurgegevens/", VALID_POST
    )

    assert response.status_code == 403


# --- bulk import --------------------------------------------------------------------------

HEADER = "gemeente;straat;huisnummer;postbus;postcode;plaats;oin;kvk;afdeling;email"


def csv_file(*rows) -> bytes:
    return "\n".join([HEADER, *rows]).encode("utf-8")


def test_import_sets_the_invoice_data_of_every_row(huizen, laren):
    result = import_municipality_data(
        name="gemeenten.csv",
        data=csv_file(
            "Huizen;;;5;1270 AA;Huizen;00000001002345678000;;Crediteuren;f@huizen.example",
            "laren;Eemnesserweg;19;;1251NH;Laren;;12345678;;",
        ),
    )

    assert result.ok, result.errors
    laren.refresh_from_db()
    assert (laren.invoice_street, laren.invoice_postcode, laren.kvk) == (
        "Eemnesserweg",
        "1251 NH",
        "12345678",
    )


def test_import_with_one_bad_row_changes_nothing_and_names_row_and_column(huizen, laren):
    result = import_municipality_data(
        name="gemeenten.csv",
        data=csv_file(
            "Huizen;;;5;1270 AA;Huizen;00000001002345678000;;;",
            "Laren;Eemnesserweg;19;;1251NH;Laren;;1234;;",
            "Bussum;Brinklaan;1;;1404 AA;Bussum;;12345678;;",
        ),
    )

    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "kvk"), (4, "gemeente")]
    assert "8 cijfers" in result.errors[0].message
    huizen.refresh_from_db()
    assert huizen.invoice_po_box == ""


def test_import_reads_xlsx_and_keeps_leading_zeros_of_a_kvk_number(huizen):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(["Huizen", "", "", 5, "1270 AA", "Huizen", "", 1234567, "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = import_municipality_data(name="gemeenten.xlsx", data=buffer.getvalue())

    assert result.ok, result.errors
    huizen.refresh_from_db()
    assert (huizen.kvk, huizen.invoice_po_box) == ("01234567", "5")


def test_import_command_exits_non_zero_with_every_problem(huizen, tmp_path, capsys):
    path = tmp_path / "gemeenten.csv"
    path.write_bytes(csv_file("Huizen;;;5;1270;Huizen;123;;;"))

    with pytest.raises(CommandError, match="niets ingelezen"):
        call_command("import_municipality_data", str(path))

    err = capsys.readouterr().err
    assert "regel 2 [postcode]" in err and "regel 2 [oin]" in err
