"""Matching names the way people type them: case, accents, punctuation and spacing ignored."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """'  Ik in de Kinderopvang! ' and 'ik in de kinderopvang' give the same key."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", without_accents.casefold()).replace("_", " ").split())
