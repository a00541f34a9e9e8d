"""Matching names the way people type them: case, accents, punctuation and spacing ignored."""

import re
import unicodedata

from django.utils.translation import gettext

_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """'  Ik in de Kinderopvang! ' and 'ik in de kinderopvang' give the same key."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", without_accents.casefold()).replace("_", " ").split())


def actor_label(user) -> str:
    """Who did something, as a page or file shows it: the full name, else the username, else
    "systeem / import" for what no person did (demo data, an import without ``--user``, a job).
    Every page that names the author of a change or a view goes through here, because the user
    is optional on each of those records."""
    if user is None:
        return gettext("systeem / import")
    return user.get_full_name() or user.get_username()
