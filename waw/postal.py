"""Dutch postal addresses as the e-invoice rules want them: street and number or Postbus,
postcode, city, country — separate fields (SI-UBL 2.0 BR-NL-3 and BR-NL-4)."""

import re
from dataclasses import dataclass

from waw.identifiers import normalise_postcode

COUNTRY = "NL"  # the region's municipalities and the Regio are all in the Netherlands

_PO_BOX = re.compile(r"^postbus\s*(?P<number>\d{1,6})$", re.IGNORECASE)
_POSTCODE_CITY = re.compile(r"^(?P<postcode>[1-9]\d{3}\s?[a-zA-Z]{2})\s+(?P<city>\S.*)$")
_STREET_NUMBER = re.compile(r"^(?P<street>\D.*?)\s+(?P<number>\d{1,5}(?:[ -]?[A-Za-z0-9]{1,6})?)$")
_FOR_ATTENTION = re.compile(r"^(?:t\.?\s?a\.?\s?v\.?|ter attentie van)\s*:?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class PostalAddress:
    street: str = ""
    house_number: str = ""
    po_box: str = ""
    postcode: str = ""
    city: str = ""
    country: str = COUNTRY

    @property
    def street_line(self) -> str:
        """What goes on the street line: "Postbus 9900", else "Dudokpark 1"."""
        if self.po_box:
            return f"Postbus {self.po_box}"
        return f"{self.street} {self.house_number}".strip()

    @property
    def lines(self) -> list[str]:
        """As printed on an envelope: street line, then postcode and city (two spaces)."""
        return [
            line for line in (self.street_line, f"{self.postcode}  {self.city}".strip()) if line
        ]


@dataclass(frozen=True)
class ParsedAddress:
    address: PostalAddress
    department: str = ""


def parse_dutch_address(text: str) -> ParsedAddress | None:
    """A free-text Dutch address ("Postbus 9900, 1201 GM Hilversum", or on several lines with a
    "t.a.v." line) split into fields; None when it has no postcode with a city, or neither a
    street with a number nor a Postbus."""
    parts = [part.strip() for part in re.split(r"[\n,;]", text or "") if part.strip()]
    street = number = po_box = postcode = city = ""
    department = []
    for part in parts:
        if match := _POSTCODE_CITY.match(part):
            postcode, city = normalise_postcode(match["postcode"]), match["city"].strip()
        elif match := _PO_BOX.match(part):
            po_box = match["number"]
        elif (match := _STREET_NUMBER.match(part)) and not street:
            street, number = match["street"].strip(), match["number"].replace(" ", "")
        else:
            department.append(_FOR_ATTENTION.sub("", part))
    if not (postcode and city) or not (po_box or street):
        return None
    if po_box:  # a Postbus has its own postcode; a street beside it would be a second address
        street = number = ""
    return ParsedAddress(
        PostalAddress(
            street=street, house_number=number, po_box=po_box, postcode=postcode, city=city
        ),
        department=", ".join(d for d in department if d),
    )
