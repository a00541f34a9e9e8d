"""Numbers from request parameters, parsed in one place.

``str.isdigit()`` accepts '²' and '٣', which ``int()`` then refuses (a 500), and ``int()``
accepts ' 7', '+7' and '1_000'; a number above the database's largest integer makes the query
fail. Every view that reads an id or a count from GET or POST uses this instead.
"""

import re

# The largest value of a BigAutoField (and of PostgreSQL's bigint, SQLite's INTEGER).
MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def positive_int(value, *, maximum: int = MAX_ID) -> int | None:
    """``value`` as a whole number from 1 to ``maximum`` if it is written with ASCII digits
    only, else None (the caller treats it as absent)."""
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 1 <= number <= maximum else None
