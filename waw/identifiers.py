"""Dutch identifiers and postcodes on invoices: their form, checked in one place.

Each ``validate_*`` raises a ``ValidationError`` whose Dutch message states the expected form;
each ``normalise_*`` turns what people type ("1217je", "nl91 abna 0417 1643 00") into that form
first. Used by the model fields, the forms, the import, the sender's settings and the run's check.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Organisatie-identificatienummer: how Dutch public bodies are addressed over Peppol.
OIN_PATTERN = r"^\d{20}$"
KVK_PATTERN = r"^\d{8}$"
# A Dutch VAT identification number: NL, nine digits, B, two digits (e.g. NL001234567B01).
VAT_ID_PATTERN = r"^NL\d{9}B\d{2}$"
# A Dutch postcode: four digits not starting with 0, a space, two capitals (not SA, SD, SS).
POSTCODE_PATTERN = r"^[1-9]\d{3} (?!SA|SD|SS)[A-Z]{2}$"
IBAN_PATTERN = r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$"
IBAN_LENGTHS = {"NL": 18, "BE": 16, "DE": 22}
# Settings that have not been filled in yet are written as a placeholder in brackets.
PLACEHOLDER = re.compile(r"^\s*\[.*\]\s*$")

OIN_INVALID = _("Een OIN bestaat uit precies 20 cijfers.")
KVK_INVALID = _("Een KvK-nummer bestaat uit precies 8 cijfers.")
VAT_ID_INVALID = _("Een btw-identificatienummer heeft de vorm NL123456789B01.")
POSTCODE_INVALID = _("Een postcode heeft de vorm 1234 AB.")
IBAN_INVALID = _(
    "Een IBAN heeft de vorm NL91 ABNA 0417 1643 00 (landcode, controlegetal, rekening)."
)
IBAN_CHECKSUM = _("Dit IBAN klopt niet: het controlegetal past niet bij het rekeningnummer.")
HOUSE_NUMBER_INVALID = _("Een huisnummer begint met een cijfer, bijvoorbeeld 1, 12a of 3-5.")
PO_BOX_INVALID = _("Een postbusnummer bestaat uit cijfers, bijvoorbeeld 9900.")

HOUSE_NUMBER_PATTERN = r"^\d{1,5}(?:[ -]?[A-Za-z0-9]{1,6})?$"
PO_BOX_PATTERN = r"^\d{1,6}$"


def is_placeholder(value) -> bool:
    return bool(PLACEHOLDER.match(str(value or "")))


def is_missing(value) -> bool:
    """Empty, or a placeholder such as ``[IBAN]``: not filled in."""
    return not str(value or "").strip() or is_placeholder(value)


def _compact(value) -> str:
    return re.sub(r"[\s.]", "", str(value or "")).upper()


def normalise_postcode(value) -> str:
    compact = _compact(value)
    if re.fullmatch(r"\d{4}[A-Z]{2}", compact):
        return f"{compact[:4]} {compact[4:]}"
    return str(value or "").strip()


def normalise_iban(value) -> str:
    return _compact(value)


def normalise_vat_id(value) -> str:
    return _compact(value)


def normalise_digits(value) -> str:
    """OIN and KvK numbers are often typed with spaces or dots."""
    return re.sub(r"[\s.]", "", str(value or ""))


validate_oin = RegexValidator(OIN_PATTERN, OIN_INVALID)
validate_kvk = RegexValidator(KVK_PATTERN, KVK_INVALID)
validate_vat_id = RegexValidator(VAT_ID_PATTERN, VAT_ID_INVALID)
validate_postcode = RegexValidator(POSTCODE_PATTERN, POSTCODE_INVALID)
validate_house_number = RegexValidator(HOUSE_NUMBER_PATTERN, HOUSE_NUMBER_INVALID)
validate_po_box = RegexValidator(PO_BOX_PATTERN, PO_BOX_INVALID)


def iban_checksum_ok(iban: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to numbers (A=10 …
    Z=35); the number modulo 97 must be 1."""
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def validate_iban(value):
    iban = str(value or "")
    if not re.fullmatch(IBAN_PATTERN, iban) or len(iban) != IBAN_LENGTHS.get(iban[:2], len(iban)):
        raise ValidationError(IBAN_INVALID, code="invalid")
    if not iban_checksum_ok(iban):
        raise ValidationError(IBAN_CHECKSUM, code="checksum")


def format_iban(iban: str) -> str:
    """In groups of four, as printed on paper: NL91 ABNA 0417 1643 00."""
    compact = normalise_iban(iban)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def problem(value, validator) -> str:
    """The message of ``validator`` for ``value``, or "" when the value has the right form."""
    try:
        validator(value)
    except ValidationError as error:
        return " ".join(str(message) for message in error.messages)
    return ""
