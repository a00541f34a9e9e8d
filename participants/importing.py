"""Bulk import of enrolments from CSV or Excel: every row checked first, then all or nothing."""

import codecs
import copy
import csv
import datetime as dt
import io
import os
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from audit.services import creation_records_in_bulk
from participants.constants import Outcome
from participants.dates import END_BEFORE_START, START_BEFORE_ENROLMENT
from participants.models import (
    Participant,
    Trajectory,
    TrajectoryChange,
    check_group_rule,
    identity_key,
)
from participants.services import (
    WITHDRAWN_IS_FROZEN,
    OpenTrajectoryExists,
    enrolment_record,
    participant_duplicates,
    participant_save,
    trajectory_enrol,
    trajectory_update,
)
from projects.models import NO_PARTICIPANTS, Cohort, Project
from waw.bulk import insert_many, insert_values
from waw.dates import parse_date
from waw.models import Municipality
from waw.text import normalise

COLUMNS = (
    "klantnummer",
    "voornaam",
    "achternaam",
    "geboortedatum",
    "gemeente",
    "project",
    "aanmelddatum",
    "startdatum",
    "einddatum",
    "uitkomst",
    "groep",  # optional: a group (klas) of the project, by name (billing rule 10)
)
REQUIRED = ("voornaam", "achternaam", "geboortedatum", "gemeente", "project", "aanmelddatum")
# Text columns stored on a model: their length limit is the model field's.
STORED_TEXT = {
    "klantnummer": (Participant, "client_number"),
    "voornaam": (Participant, "first_name"),
    "achternaam": (Participant, "last_name"),
}
# The date columns and the model field whose validators (participants/dates.py) bound them.
DATE_FIELDS = {
    "geboortedatum": (Participant, "date_of_birth"),
    "aanmelddatum": (Trajectory, "enrolment_date"),
    "startdatum": (Trajectory, "start_date"),
    "einddatum": (Trajectory, "end_date"),
}

# Limits that keep a hostile or mistaken file from exhausting the server. A year of the
# region's enrolments is a few hundred rows, but a municipality's whole history or the region's
# backlog can be tens of thousands: 100,000 rows are accepted, read as a stream and written in
# bulk (about a minute, in the background; bench/import_speed.py). Such a file is about 10 MB
# as CSV and 5 MB as .xlsx, which unpacks to about 55 MB. The upload page has its own, lower
# limit (MAX_UPLOAD_BYTES, waw.settings.UPLOAD_BODY_LIMIT). An .xlsx is a zip of XML: its
# members' sizes are checked before openpyxl opens it, so a "zip bomb" (1.8 MB that unpacks to
# gigabytes) is refused unread. Python's zipfile stops at the size a member declares, so a
# member cannot unpack to more than the sizes checked here.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 100
MAX_LINE_CHARS = 10_000
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # a real sheet packs 5–20×; repeated filler packs 1000×
RATIO_CHECKED_FROM = 1024 * 1024
MAX_ZIP_MEMBERS = 500
MAX_SHOWN_ERRORS = 500
SHOWN_VALUE_CHARS = 60

FILE_TOO_LARGE = _("Het bestand is groter dan %(mb)s MB.")
TOO_MANY_ROWS = _(
    "Het bestand heeft meer dan %(n)s regels (lege regels tussen de gegevens tellen mee); "
    "splits het in kleinere bestanden."
)
TOO_MANY_COLUMNS = _("De kopregel heeft meer dan %(n)s kolommen.")
LINE_TOO_LONG = _("Regel %(row)s is langer dan %(n)s tekens.")
UNPACKED_TOO_LARGE = _(
    "Het Excel-bestand is uitgepakt groter dan %(mb)s MB; sla alleen de gegevens op, "
    "of gebruik CSV."
)
SUSPICIOUS_COMPRESSION = _(
    "Het Excel-bestand is verdacht sterk ingepakt en wordt niet geopend; sla het opnieuw op "
    "vanuit Excel, of gebruik CSV."
)
XLSX_UNREADABLE = _("Het Excel-bestand kan niet worden gelezen.")
FILE_UNREADABLE = _("Het bestand kan niet worden gelezen.")
DUPLICATE_COLUMN = _("kolom staat meer dan één keer in de kopregel")
TOO_LONG = _("te lang: hoogstens %(max)s tekens (nu %(n)s)")
NUL_CHARACTER = _("bevat een ongeldig teken (NUL)")
CLIENT_NUMBER_OTHER_PERSON_IN_FILE = _(
    "klantnummer “%(value)s” staat in regel %(row)s bij een andere persoon "
    "(naam of geboortedatum verschilt)"
)
CLIENT_NUMBER_DIFFERS_IN_FILE = _(
    "klantnummer “%(value)s” verschilt van regel %(row)s voor dezelfde persoon in dezelfde gemeente"
)
CLIENT_NUMBER_OTHER_PERSON = _(
    "klantnummer “%(value)s” hoort in %(municipality)s bij een andere deelnemer "
    "(naam of geboortedatum verschilt); controleer het klantnummer"
)
CLIENT_NUMBER_DIFFERS = _(
    "deze deelnemer heeft in %(municipality)s klantnummer “%(existing)s”, niet “%(value)s”"
)


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a CSV/XLSX, no header row, too large, …)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What every import reports: its row problems (all or nothing) and the rows read."""

    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def shown_errors(self) -> list[RowError]:
        """The first problems, for a page that stays readable with thousands of them."""
        return self.errors[:MAX_SHOWN_ERRORS]

    @property
    def errors_not_shown(self) -> int:
        return max(0, len(self.errors) - MAX_SHOWN_ERRORS)


@dataclass
class ImportResult(ImportReport):
    participants_created: int = 0
    participants_matched: int = 0
    trajectories_created: int = 0
    trajectories_updated: int = 0
    trajectories_unchanged: int = 0


@dataclass(slots=True)  # slots: a file of 100,000 rows is held in memory until written
class ParsedRow:
    number: int
    client_number: str
    first_name: str
    last_name: str
    date_of_birth: dt.date
    municipality: Municipality
    project: Project
    enrolment_date: dt.date
    start_date: dt.date | None
    end_date: dt.date | None
    outcome: str
    cohort: Cohort | None = None

    @property
    def person_key(self):
        return (normalise(self.first_name), normalise(self.last_name), self.date_of_birth)


def _shown(value: str) -> str:
    """A value quoted in a message, cut short: a message never repeats a whole hostile cell."""
    return value if len(value) <= SHOWN_VALUE_CHARS else value[: SHOWN_VALUE_CHARS - 1] + "…"


# --- reading ------------------------------------------------------------------------------

READ_CHUNK_BYTES = 1024 * 1024
# How often a long import says how far it is (rows read or written).
PROGRESS_EVERY = 500


def _open_binary(data: bytes | None, path) -> tuple[BinaryIO, int]:
    """The file as a binary stream and its size: the bytes given, or the file at ``path``
    (read as it is needed, never whole into memory)."""
    if (data is None) == (path is None):
        raise TypeError("give exactly one of data and path")
    if data is not None:
        return io.BytesIO(data), len(data)
    return open(path, "rb"), os.path.getsize(path)


def _scan_csv(stream: BinaryIO) -> tuple[str, int]:
    """The encoding of a CSV (UTF-8 with or without BOM, else cp1252, as Excel on Windows
    saves "CSV") and its number of lines, in one pass of fixed-size chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    first = stream.read(3)
    bom = first == b"\xef\xbb\xbf"
    chunk = b"" if bom else first
    newlines = returns = 0
    last = b""
    while True:
        chunk += stream.read(READ_CHUNK_BYTES)
        if not chunk:
            break
        newlines += chunk.count(b"\n")
        returns += chunk.count(b"\r")
        last = chunk[-1:]
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        chunk = b""
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    stream.seek(3 if bom else 0)
    # \r\n, \n and (old Mac) \r all end a line; a last line without an end counts too.
    lines = max(newlines, returns) + (1 if last and last not in b"\r\n" else 0)
    return ("utf-8" if utf8 or bom else "cp1252"), lines


def _checked_lines(text: TextIO) -> Iterator[str]:
    """The physical lines of a CSV, refused when one is too long: checked before the csv
    module builds a row, since one 5 MB line would be a million cells."""
    for number, line in enumerate(text, start=1):
        if len(line.rstrip("\r\n")) > MAX_LINE_CHARS:
            raise ImportFileError(LINE_TOO_LONG % {"row": number, "n": MAX_LINE_CHARS})
        if number > MAX_ROWS + 1:
            raise ImportFileError(TOO_MANY_ROWS % {"n": MAX_ROWS})
        yield line


def _read_csv(stream: BinaryIO) -> Iterator[list]:
    encoding, lines = _scan_csv(stream)
    if lines > MAX_ROWS + 1:
        raise ImportFileError(TOO_MANY_ROWS % {"n": MAX_ROWS})
    start = stream.tell()
    first_line = stream.readline(4 * MAX_LINE_CHARS).decode(encoding, errors="replace")
    stream.seek(start)
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    return csv.reader(_checked_lines(text), delimiter=delimiter)


def _check_zip(stream: BinaryIO) -> None:
    """Refuse an .xlsx whose members unpack to too much, or pack suspiciously well."""
    try:
        members = zipfile.ZipFile(stream).infolist()
        stream.seek(0)
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportFileError(XLSX_UNREADABLE) from error
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(XLSX_UNREADABLE)
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise ImportFileError(UNPACKED_TOO_LARGE % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)})
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise ImportFileError(SUSPICIOUS_COMPRESSION)


def _read_xlsx(stream: BinaryIO, columns=COLUMNS) -> Iterator[list]:
    """The first sheet, streamed: the header up to MAX_COLUMNS wide, then every row only as
    wide as the last known column. The sheet's own dimension (``A1:XFD1048576`` in a hostile
    file) is never used: openpyxl would pad every row to it."""
    from openpyxl import load_workbook

    _check_zip(stream)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        header_rows = list(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS + 1, values_only=True))
    except Exception as error:  # whatever a broken file makes openpyxl raise
        raise ImportFileError(XLSX_UNREADABLE) from error
    header = _trimmed(list(header_rows[0]) if header_rows else [])
    if not header or len(header) > MAX_COLUMNS:
        workbook.close()
        if header:
            raise ImportFileError(TOO_MANY_COLUMNS % {"n": MAX_COLUMNS})
        return iter(())
    names = [_column_name(cell) for cell in header]
    width = max((i + 1 for i, name in enumerate(names) if name in columns), default=1)

    def rows():
        yield header
        try:
            for count, row in enumerate(
                sheet.iter_rows(min_row=2, max_row=MAX_ROWS + 2, max_col=width, values_only=True),
                start=1,
            ):
                if count > MAX_ROWS:
                    raise ImportFileError(TOO_MANY_ROWS % {"n": MAX_ROWS})
                yield row
        except ImportFileError:
            raise
        except Exception as error:
            raise ImportFileError(XLSX_UNREADABLE) from error
        finally:
            workbook.close()

    return rows()


def _column_name(cell) -> str:
    return str(cell if cell is not None else "").strip().lower()


def _trimmed(header: list) -> list:
    """Without the empty cells at the end (spreadsheets save trailing separators)."""
    while header and _column_name(header[-1]) == "":
        header.pop()
    return header


@contextmanager
def open_table(
    *, name: str, data: bytes | None = None, path=None, columns=COLUMNS
) -> Iterator[tuple[list[str], Iterator[tuple[int, dict]]]]:
    """The header (normalised names) and the non-empty rows as (row number, column → value) of
    the known ``columns`` (the trajectory import's by default; the group import passes its own),
    read from ``data`` or the file at ``path`` as they are needed: the rows are an iterator, so
    a file of 100,000 rows is never in memory as a whole. Reading the rows raises
    ImportFileError (and UnicodeDecodeError or csv.Error) as it meets the problem."""
    stream, size = _open_binary(data, path)
    try:
        if size > MAX_FILE_BYTES:
            raise ImportFileError(FILE_TOO_LARGE % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
        table = _read_xlsx(stream, columns) if name.lower().endswith(".xlsx") else _read_csv(stream)
        table = iter(table)
        first = next(table, None)
        if first is None:
            raise ImportFileError(_("Het bestand is leeg."))
        header = [_column_name(cell) for cell in _trimmed(list(first))]
        if len(header) > MAX_COLUMNS:
            raise ImportFileError(TOO_MANY_COLUMNS % {"n": MAX_COLUMNS})
        positions = [(i, column) for i, column in enumerate(header) if column in columns]

        def rows():
            for number, cells in enumerate(table, start=2):
                if number > MAX_ROWS + 1:
                    raise ImportFileError(TOO_MANY_ROWS % {"n": MAX_ROWS})
                values = {column: cells[i] for i, column in positions if i < len(cells)}
                if any(str(v).strip() for v in values.values() if v is not None):
                    yield number, values

        yield header, rows()
    finally:
        stream.close()


def read_table(
    *, name: str, data: bytes, columns=COLUMNS
) -> tuple[list[str], list[tuple[int, dict]]]:
    """open_table's header and rows, the rows as a list (for small files, like the
    municipalities' import)."""
    with open_table(name=name, data=data, columns=columns) as (header, rows):
        return header, list(rows)


# --- checking -----------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    # The forms' parser (waw.dates): regular expressions, not strptime, which took most of
    # the time of checking a file.
    return parse_date(_text(value))


class _Lookup:
    """Municipalities and projects by name, slug or alias, ignoring case, accents and
    punctuation: "Ik in de Kinderopvang!" matches "ik in de kinderopvang"."""

    def __init__(self):
        self.municipalities = {}
        for m in Municipality.objects.all():
            self.municipalities[normalise(m.name)] = m
            self.municipalities[normalise(m.slug)] = m
        self.projects = {}
        for p in Project.objects.all():
            for label in (p.name, p.slug, *p.aliases):
                self.projects.setdefault(normalise(label), p)
        by_pk = {p.pk: p for p in self.projects.values()}
        self.groups = {}
        for c in Cohort.objects.only("pk", "project", "name"):
            c.project = by_pk[c.project_id]  # read, not queried, when a record names it
            self.groups[(c.project_id, normalise(c.name))] = c
        self.outcomes = {}
        for outcome in Outcome:
            self.outcomes[outcome.value] = outcome.value
            self.outcomes[str(outcome.label).lower()] = outcome.value


def _check_row(number: int, values: dict, lookup: _Lookup, errors: list[RowError]):
    errors_before = len(errors)

    def fail(column, message):
        errors.append(RowError(number, column, message))

    texts = {column: _text(values.get(column)) for column in COLUMNS}
    for column, text in texts.items():
        if "\x00" in text:
            fail(column, NUL_CHARACTER)
            texts[column] = text.replace("\x00", "")
    for column in REQUIRED:
        if not texts[column]:
            fail(column, _("verplicht veld is leeg"))
    for column, (model, name) in STORED_TEXT.items():
        limit = model._meta.get_field(name).max_length
        if len(texts[column]) > limit:
            fail(column, TOO_LONG % {"max": limit, "n": len(texts[column])})
    dates = {}
    for column, (model, name) in DATE_FIELDS.items():
        dates[column] = None
        if not texts[column]:
            continue
        try:
            day = _date(values.get(column))
        except (ValueError, OverflowError):
            fail(
                column,
                _("“%(value)s” is geen datum (dd-mm-jjjj of jjjj-mm-dd)")
                % {"value": _shown(texts[column])},
            )
            continue
        try:
            for validator in model._meta.get_field(name).validators:
                validator(day)
        except ValidationError as error:
            for message in error.messages:
                fail(column, message)
            continue
        dates[column] = day
    municipality = lookup.municipalities.get(normalise(texts["gemeente"]))
    if texts["gemeente"] and municipality is None:
        fail("gemeente", _("onbekende gemeente “%(value)s”") % {"value": _shown(texts["gemeente"])})
    project = lookup.projects.get(normalise(texts["project"]))
    if texts["project"] and project is None:
        fail("project", _("onbekend project “%(value)s”") % {"value": _shown(texts["project"])})
    elif project is not None and not project.takes_participants:
        fail("project", str(NO_PARTICIPANTS % {"project": project.name}))
        project = None
    cohort = None
    if texts["groep"] and project is not None:
        cohort = lookup.groups.get((project.pk, normalise(texts["groep"])))
        if cohort is None:
            fail(
                "groep",
                _("onbekende groep “%(value)s” van %(project)s")
                % {"value": _shown(texts["groep"]), "project": project.name},
            )
    outcome = ""
    if texts["uitkomst"]:
        outcome = lookup.outcomes.get(texts["uitkomst"].lower().replace(" ", ""), "") or (
            lookup.outcomes.get(texts["uitkomst"].lower(), "")
        )
        if not outcome:
            fail(
                "uitkomst",
                _("onbekende uitkomst “%(value)s”") % {"value": _shown(texts["uitkomst"])},
            )
    enrolled, started, ended = dates["aanmelddatum"], dates["startdatum"], dates["einddatum"]
    if enrolled and started and started < enrolled:
        fail("startdatum", str(START_BEFORE_ENROLMENT))
    if ended and not started and texts["startdatum"] == "":
        fail("einddatum", _("einddatum zonder startdatum"))
    if started and ended and ended < started:
        fail("einddatum", str(END_BEFORE_START))
    if texts["einddatum"] and not texts["uitkomst"]:
        fail("uitkomst", _("uitkomst is verplicht als er een einddatum is"))
    if texts["uitkomst"] and not texts["einddatum"]:
        fail("uitkomst", _("uitkomst zonder einddatum"))
    # Counted, not searched: looking through all errors for this row made a file of invalid
    # rows quadratic (10,000 rows took 8 s, 20,000 rows 30 s).
    if len(errors) > errors_before:
        return None
    return ParsedRow(
        number=number,
        client_number=texts["klantnummer"],
        first_name=texts["voornaam"],
        last_name=texts["achternaam"],
        date_of_birth=dates["geboortedatum"],
        municipality=municipality,
        project=project,
        enrolment_date=enrolled,
        start_date=started,
        end_date=ended,
        outcome=outcome,
        cohort=cohort,
    )


def _check_client_numbers(rows: list[ParsedRow], errors: list[RowError]) -> None:
    """Within the file, a klantnummer of a municipality belongs to one person, and a person has
    one klantnummer per municipality."""
    holder: dict[tuple, ParsedRow] = {}
    number_of: dict[tuple, ParsedRow] = {}
    for row in rows:
        if not row.client_number:
            continue
        key = (row.municipality.pk, row.client_number)
        first = holder.setdefault(key, row)
        if first.person_key != row.person_key:
            errors.append(
                RowError(
                    row.number,
                    "klantnummer",
                    CLIENT_NUMBER_OTHER_PERSON_IN_FILE
                    % {"value": _shown(row.client_number), "row": first.number},
                )
            )
            continue
        earlier = number_of.setdefault((row.person_key, row.municipality.pk), row)
        if earlier.client_number != row.client_number:
            errors.append(
                RowError(
                    row.number,
                    "klantnummer",
                    CLIENT_NUMBER_DIFFERS_IN_FILE
                    % {"value": _shown(row.client_number), "row": earlier.number},
                )
            )


# --- applying -----------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _client_number_differs(numbered, participant, client_number, latest, moved):
    """The row error when a known person, still in the same municipality, is given another
    klantnummer than the one on record (both import paths apply it); else None."""
    if (
        client_number
        and not moved
        and participant.client_number
        and participant.client_number != client_number
    ):
        return RowError(
            numbered.number,
            "klantnummer",
            CLIENT_NUMBER_DIFFERS
            % {
                "existing": participant.client_number,
                "value": _shown(client_number),
                "municipality": latest.municipality.name,
            },
        )
    return None


def _same_person(participant: Participant, row: ParsedRow) -> bool:
    return (
        normalise(participant.first_name),
        normalise(participant.last_name),
        participant.date_of_birth,
    ) == row.person_key


def _participant_for(rows: list[ParsedRow], result: ImportResult) -> Participant | None:
    """The existing participant these rows are about, or a new one; None (with a row error)
    when the klantnummer belongs to someone else. Same name and birth date is the same person
    (the duplicate rule); a klantnummer alone never makes a match."""
    latest = max(rows, key=lambda r: r.enrolment_date)
    numbered = next(
        (
            r
            for r in sorted(rows, key=lambda r: r.enrolment_date, reverse=True)
            if r.client_number and r.municipality.pk == latest.municipality.pk
        ),
        None,
    )
    client_number = numbered.client_number if numbered else ""
    matches = participant_duplicates(
        first_name=latest.first_name,
        last_name=latest.last_name,
        date_of_birth=latest.date_of_birth,
        municipality=latest.municipality,
        client_number=client_number,
    )
    holder = next(
        (
            m
            for m in matches
            if client_number
            and m.municipality_id == latest.municipality.pk
            and m.client_number == client_number
        ),
        None,
    )
    if holder is not None and not _same_person(holder, latest):
        result.errors.append(
            RowError(
                numbered.number,
                "klantnummer",
                CLIENT_NUMBER_OTHER_PERSON
                % {"value": _shown(client_number), "municipality": latest.municipality.name},
            )
        )
        return None
    same = [m for m in matches if _same_person(m, latest)]
    if same:
        participant = holder or same[0]
        moved = participant.municipality_id != latest.municipality.pk
        differs = _client_number_differs(numbered, participant, client_number, latest, moved)
        if differs:
            result.errors.append(differs)
            return None
        result.participants_matched += 1
        changed = False
        if moved:
            # A klantnummer is the municipality's: the old one does not travel along.
            participant.municipality = latest.municipality
            participant.client_number = client_number
            changed = True
        elif client_number and not participant.client_number:
            participant.client_number = client_number
            changed = True
        if changed:
            participant_save(participant=participant)
        return participant
    result.participants_created += 1
    return participant_save(
        participant=Participant(
            first_name=latest.first_name,
            last_name=latest.last_name,
            date_of_birth=latest.date_of_birth,
            municipality=latest.municipality,
            client_number=client_number,
        )
    )


def _apply(*, user, rows: list[ParsedRow], result: ImportResult) -> None:
    """The row-by-row import: every row through the services (about 10 ms a row). The
    reference the bulk path is tested against; the bulk path writes its rare rows that need
    the order (one person twice in a project on one day) through _apply_trajectory."""
    people: dict[tuple, list[ParsedRow]] = {}
    for row in rows:
        people.setdefault(row.person_key, []).append(row)
    for person_rows in people.values():
        try:
            participant = _participant_for(person_rows, result)
        except ValidationError as error:
            for message in error.messages:
                result.errors.append(RowError(person_rows[0].number, "", message))
            continue
        if participant is None:
            continue
        for row in person_rows:
            try:
                _apply_trajectory(user=user, participant=participant, row=row, result=result)
            except ValidationError as error:
                for message in error.messages:
                    result.errors.append(RowError(row.number, "", message))
    if result.errors:
        raise _Rollback


def _apply_trajectory(*, user, participant, row: ParsedRow, result: ImportResult) -> None:
    wanted = {
        "municipality_at_start": row.municipality,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "outcome": row.outcome,
    }
    if row.cohort is not None:
        wanted["cohort"] = row.cohort
    existing = Trajectory.objects.filter(
        participant=participant, project=row.project, enrolment_date=row.enrolment_date
    ).first()
    if existing is None:
        trajectory_enrol(
            user=user,
            trajectory=Trajectory(
                participant=participant,
                project=row.project,
                enrolment_date=row.enrolment_date,
                **wanted,
            ),
        )
        result.trajectories_created += 1
        return
    changes = {k: v for k, v in wanted.items() if getattr(existing, k) != v}
    if not changes:
        result.trajectories_unchanged += 1
        return
    trajectory_update(user=user, trajectory=existing, **changes)
    result.trajectories_updated += 1


Progress = Callable[[int, int | None], None]


def _read_rows(*, name, data, path, progress: Progress | None, result: ImportResult):
    """Every row read and checked in one pass over the file, the problems into ``result``;
    the checked rows (none once a problem is found: the file will not be imported)."""
    parsed: list[ParsedRow] = []
    try:
        with open_table(name=name, data=data, path=path) as (header, table):
            for column in [column for column in REQUIRED if column not in header]:
                result.errors.append(RowError(1, column, _("kolom ontbreekt in de kopregel")))
            for column in sorted({c for c in header if c in COLUMNS and header.count(c) > 1}):
                result.errors.append(RowError(1, column, DUPLICATE_COLUMN))
            if result.errors:
                return None
            lookup = _Lookup()
            for number, values in table:
                result.rows += 1
                row = _check_row(number, values, lookup, result.errors)
                if row is not None and not result.errors:
                    parsed.append(row)
                if progress is not None and result.rows % PROGRESS_EVERY == 0:
                    progress(result.rows, None)
    except (ImportFileError, UnicodeDecodeError, csv.Error) as error:
        message = str(error) if isinstance(error, ImportFileError) else ""
        result.errors[:] = [RowError(1, "", message or str(FILE_UNREADABLE))]
        result.rows = 0
        return None
    if progress is not None:
        progress(result.rows, None)
    if not result.rows:
        result.errors.append(RowError(2, "", _("het bestand bevat geen regels")))
    return parsed, lookup


def _reset_counts(result: ImportResult) -> None:
    result.participants_created = result.participants_matched = 0
    result.trajectories_created = result.trajectories_updated = 0
    result.trajectories_unchanged = 0


def import_trajectories(
    *,
    user,
    name: str,
    data: bytes | None = None,
    path: str | os.PathLike | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import enrolments from a CSV or XLSX file (``data``, or the file at ``path``), all or
    nothing.

    Every row is checked first; a file with any problem changes nothing and reports each
    problem with its row and column. Importing the same file twice changes nothing: people are
    matched by name and birth date (a klantnummer of someone else is an error, never a match),
    trajectories by participant, project and enrolment date.

    ``progress(rows_done, total)`` is called every PROGRESS_EVERY rows: while the file is
    read and checked with ``total`` None (the rows read so far), then while it is written with
    ``total`` the rows of the file, ending with ``progress(total, total)``.
    """
    result = ImportResult()
    read = _read_rows(name=name, data=data, path=path, progress=progress, result=result)
    if result.errors:
        return result
    parsed, lookup = read
    _check_client_numbers(parsed, result.errors)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            _apply_in_bulk(user=user, rows=parsed, lookup=lookup, result=result, progress=progress)
    except _Rollback:
        _reset_counts(result)
    return result


# --- applying in bulk ---------------------------------------------------------------------
#
# The import's writes, set-based: the people and trajectories the file is about are looked up
# in a few queries (in chunks), every row is decided in memory in the order the row-by-row
# path (_apply, above) took it, with the same rules and messages, and the new records are
# written with bulk_create, with their history line and audit entries. Changes to existing
# records (a participant who moved, a trajectory that ended) are rare in a file and still go
# through the services one by one. tests/participants/test_import_bulk.py holds the two paths
# to the same result.

LOOKUP_CHUNK = 500  # values in one IN (...), well below SQLite's and PostgreSQL's limits
WRITE_BATCH = 1000


@dataclass(slots=True)
class _Person:
    rows: list
    latest: ParsedRow
    numbered: ParsedRow | None
    key: str  # participants.models.identity_key
    participant: Participant | None = None
    errors: list = field(default_factory=list)


def _chunks(items, size=LOOKUP_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _people(rows: list[ParsedRow]) -> list[_Person]:
    grouped: dict[tuple, list[ParsedRow]] = {}
    for row in rows:
        grouped.setdefault(row.person_key, []).append(row)
    people = []
    for person_rows in grouped.values():
        latest = max(person_rows, key=lambda r: r.enrolment_date)
        numbered = next(
            (
                r
                for r in sorted(person_rows, key=lambda r: r.enrolment_date, reverse=True)
                if r.client_number and r.municipality.pk == latest.municipality.pk
            ),
            None,
        )
        key = identity_key(
            first_name=latest.first_name,
            last_name=latest.last_name,
            date_of_birth=latest.date_of_birth,
        )
        people.append(_Person(person_rows, latest, numbered, key))
    return people


class _Known:
    """The existing participants the file is about, one object per record, so that a change
    decided for one row is seen by the next (as the row-by-row path saw it in the database)."""

    def __init__(self, people: list[_Person]):
        self.by_pk: dict[int, Participant] = {}
        self.by_key: dict[str, list[Participant]] = {}
        self.holders: dict[tuple[int, str], Participant] = {}
        for chunk in _chunks(people):
            keys = {p.key for p in chunk}
            births = {p.latest.date_of_birth for p in chunk}
            # The duplicate rule (participant_duplicates): same names and birth date, here by
            # the identity key; records without one (bulk-written) by their birth date.
            found = Participant.objects.filter(
                Q(identity_key__in=keys) | Q(identity_key__isnull=True, date_of_birth__in=births)
            ).select_related("municipality")
            for candidate in found:
                candidate_key = identity_key(
                    first_name=candidate.first_name,
                    last_name=candidate.last_name,
                    date_of_birth=candidate.date_of_birth,
                )
                if candidate_key in keys:
                    self.by_key.setdefault(candidate_key, []).append(self._one(candidate))
        numbers = {p.numbered.client_number for p in people if p.numbered}
        for chunk in _chunks(numbers):
            for holder in Participant.objects.filter(client_number__in=chunk).select_related(
                "municipality"
            ):
                holder = self._one(holder)
                self.holders[(holder.municipality_id, holder.client_number)] = holder

    def _one(self, participant: Participant) -> Participant:
        return self.by_pk.setdefault(participant.pk, participant)

    def numbered(self, participant: Participant, municipality, client_number: str) -> None:
        """``participant`` now lives in ``municipality`` with ``client_number``."""
        old = (participant.municipality_id, participant.client_number)
        if participant.client_number and self.holders.get(old) is participant:
            del self.holders[old]
        participant.municipality = municipality
        participant.client_number = client_number
        if client_number:
            self.holders[(municipality.pk, client_number)] = participant


def _decide_participant(person: _Person, known: _Known, new: list, result) -> None:
    """_participant_for, on the records in memory: the participant of ``person`` (existing,
    changed through participant_save, or new and written later), or the row error."""
    latest, numbered = person.latest, person.numbered
    client_number = numbered.client_number if numbered else ""
    matches = list(known.by_key.get(person.key, []))
    holder = known.holders.get((latest.municipality.pk, client_number)) if client_number else None
    if holder is not None and all(m is not holder for m in matches):
        matches.append(holder)
    if holder is not None and not _same_person(holder, latest):
        person.errors.append(
            RowError(
                numbered.number,
                "klantnummer",
                CLIENT_NUMBER_OTHER_PERSON
                % {"value": _shown(client_number), "municipality": latest.municipality.name},
            )
        )
        return
    same = [m for m in matches if _same_person(m, latest)]
    if not same:
        participant = Participant(
            first_name=latest.first_name,
            last_name=latest.last_name,
            date_of_birth=latest.date_of_birth,
            municipality=latest.municipality,
            client_number=client_number,
        )
        participant.refresh_identity_key()
        if client_number:
            known.holders[(latest.municipality.pk, client_number)] = participant
        new.append(participant)
        person.participant = participant
        result.participants_created += 1
        return
    participant = holder or same[0]
    moved = participant.municipality_id != latest.municipality.pk
    differs = _client_number_differs(numbered, participant, client_number, latest, moved)
    if differs:
        person.errors.append(differs)
        return
    result.participants_matched += 1
    if moved or (client_number and not participant.client_number):
        # A klantnummer is the municipality's: the old one does not travel along.
        known.numbered(participant, latest.municipality, client_number)
        try:
            participant_save(participant=participant)
        except ValidationError as error:
            person.errors.extend(RowError(person.rows[0].number, "", m) for m in error.messages)
            return
    person.participant = participant


class _Trajectories:
    """The trajectories of the file's participants as the rows leave them: the existing ones
    (read in chunks) and the new ones, with the groups' occupation, for the checks of
    trajectory_enrol and trajectory_update (one running trajectory per participant and
    project; billing rule 10 on groups)."""

    def __init__(self, people: list[_Person], lookup: _Lookup):
        self.projects = {p.pk: p for p in lookup.projects.values()}
        self.by_project: dict[tuple, list[Trajectory]] = {}
        owners = {p.participant.pk: p.participant for p in people if p.participant}
        owners.pop(None, None)
        pks = list(owners)
        cohort_ids = {r.cohort.pk for p in people for r in p.rows if r.cohort}
        for chunk in _chunks(pks):
            for trajectory in Trajectory.objects.filter(participant_id__in=chunk).order_by("id"):
                # The objects in memory, so that a message or check reads no more rows.
                trajectory.participant = owners[trajectory.participant_id]
                trajectory.project = self.projects.get(trajectory.project_id) or trajectory.project
                self.by_project.setdefault(
                    (trajectory.participant_id, trajectory.project_id), []
                ).append(trajectory)
                if trajectory.cohort_id:
                    cohort_ids.add(trajectory.cohort_id)
        self.cohorts: dict[int, Cohort] = {}
        self.occupied: dict[int, int] = {}
        # (person, project) of a file that enrols the person in the project twice on one day:
        # the second row changes what the first creates, and a record's states in between
        # can matter to the database (one running trajectory per project), so these rows are
        # written as the row-by-row path writes them, in their order (``later``).
        enrolments = Counter(
            (r.person_key, r.project.pk, r.enrolment_date) for p in people for r in p.rows
        )
        self.row_by_row = {(key, project) for (key, project, _d), n in enrolments.items() if n > 1}
        self.later: list[tuple[_Person, ParsedRow]] = []
        for chunk in _chunks(cohort_ids):
            self.cohorts.update(
                (c.pk, c)
                for c in Cohort.objects.filter(pk__in=chunk).only(
                    "pk", "name", "status", "capacity"
                )
            )
            self.occupied.update(
                Trajectory.objects.filter(cohort_id__in=chunk, withdrawn_at__isnull=True)
                .values("cohort_id")
                .annotate(n=Count("id"))
                .values_list("cohort_id", "n")
            )

    def of(self, participant: Participant, project) -> list[Trajectory]:
        key = (participant.pk, project.pk) if participant.pk else (id(participant), project.pk)
        return self.by_project.setdefault(key, [])

    def refusals(self, trajectory: Trajectory, before: Trajectory | None) -> list[str]:
        """What trajectory_enrol (``before`` None) or trajectory_update (``before``: the record
        as it is) would refuse ``trajectory`` for: _refuse_second_open_trajectory first, then
        Trajectory.clean's group rule."""
        if trajectory.end_date is None and trajectory.withdrawn_at is None:
            running = [
                t
                for t in self.of(trajectory.participant, trajectory.project)
                if t is not before and t.end_date is None and t.withdrawn_at is None
            ]
            if running:
                # _open_trajectory_of's .first(): the newest enrolment, then the oldest record
                # (the new ones, written later, are the newest records).
                first = min(
                    enumerate(running),
                    key=lambda item: (-item[1].enrolment_date.toordinal(), item[0]),
                )[1]
                return list(OpenTrajectoryExists(first).messages)
        if trajectory.cohort_id and trajectory.withdrawn_at is None:
            cohort = self.cohorts[trajectory.cohort_id]
            taken = self.occupied.get(cohort.pk, 0)
            if before is not None and before.cohort_id == cohort.pk and before.withdrawn_at is None:
                taken -= 1
            try:
                check_group_rule(cohort=cohort, start_date=trajectory.start_date, taken=taken)
            except ValidationError as error:
                return list(error.messages)
        return []

    def occupy(self, trajectory: Trajectory, step: int) -> None:
        if trajectory.cohort_id and trajectory.withdrawn_at is None:
            self.occupied[trajectory.cohort_id] = self.occupied.get(trajectory.cohort_id, 0) + step


def _value_of(record, name: str | None = None):
    """A field's value, a related record by its id: ``_value_of(trajectory, "cohort")`` is the
    cohort's id, ``_value_of(cohort)`` too; other values are themselves."""
    if name is not None:
        field = Trajectory._meta.get_field(name)
        return getattr(record, field.attname)
    return record.pk if isinstance(record, models.Model) else record


def _decide_trajectory(*, user, person, row, trajectories, new, result) -> None:
    """_apply_trajectory on the records in memory: a new trajectory (written later), a change
    through trajectory_update, or nothing to do; else the row error. A row of a project the
    file enrols this person in twice on one day is decided the same way but changes only the
    records in memory; _apply_trajectory writes it after the participants (``later``)."""
    participant = person.participant
    row_by_row = (row.person_key, row.project.pk) in trajectories.row_by_row
    if row_by_row:
        trajectories.later.append((person, row))
    wanted = {
        "municipality_at_start": row.municipality,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "outcome": row.outcome,
    }
    if row.cohort is not None:
        wanted["cohort"] = row.cohort
    others = trajectories.of(participant, row.project)
    existing = next((t for t in others if t.enrolment_date == row.enrolment_date), None)
    if existing is None:
        trajectory = Trajectory(
            participant=participant,
            project=row.project,
            enrolment_date=row.enrolment_date,
            **wanted,
        )
        refused = trajectories.refusals(trajectory, None)
        if refused:
            result.errors.extend(RowError(row.number, "", m) for m in refused)
            return
        others.append(trajectory)
        trajectories.occupy(trajectory, 1)
        if not row_by_row:
            new.append(trajectory)
        result.trajectories_created += 1
        return
    # Compared by id: reading the related records would cost a query a row.
    changes = {k: v for k, v in wanted.items() if _value_of(existing, k) != _value_of(v)}
    if not changes:
        result.trajectories_unchanged += 1
        return
    if existing.is_withdrawn:
        result.errors.append(RowError(row.number, "", str(WITHDRAWN_IS_FROZEN)))
        return
    after = copy.copy(existing)
    for name, value in changes.items():
        setattr(after, name, value)
    refused = trajectories.refusals(after, existing)
    if refused:
        result.errors.extend(RowError(row.number, "", m) for m in refused)
        return
    if row_by_row:
        trajectories.occupy(existing, -1)
        for name, value in changes.items():
            setattr(existing, name, value)
        trajectories.occupy(existing, 1)
        result.trajectories_updated += 1
        return
    trajectories.occupy(existing, -1)
    try:
        trajectory_update(user=user, trajectory=existing, **changes)
    except ValidationError as error:
        result.errors.extend(RowError(row.number, "", m) for m in error.messages)
        return
    finally:
        trajectories.occupy(existing, 1)
    result.trajectories_updated += 1


def _apply_in_bulk(*, user, rows: list[ParsedRow], lookup, result, progress) -> None:
    people = _people(rows)
    known = _Known(people)
    new_participants: list[Participant] = []
    for person in people:
        _decide_participant(person, known, new_participants, result)
    trajectories = _Trajectories(people, lookup)
    new_trajectories: list[Trajectory] = []
    for person in people:
        result.errors.extend(person.errors)
        if person.participant is None:
            continue
        for row in person.rows:
            _decide_trajectory(
                user=user,
                person=person,
                row=row,
                trajectories=trajectories,
                new=new_trajectories,
                result=result,
            )
    if result.errors:
        raise _Rollback

    def row_by_row():
        # Before the other new trajectories: a group's count in the database is then at most
        # the count the rows were decided on, so the services refuse nothing the decision
        # did not.
        counts = ImportResult()  # counted already, when the rows were decided
        for person, row in trajectories.later:
            try:
                _apply_trajectory(user=user, participant=person.participant, row=row, result=counts)
            except ValidationError as error:
                result.errors.extend(RowError(row.number, "", m) for m in error.messages)

    _write(
        user=user,
        participants=new_participants,
        trajectories=new_trajectories,
        done=len(rows) - len(new_trajectories),
        total=len(rows),
        progress=progress,
        before_trajectories=row_by_row,
    )
    if result.errors:
        raise _Rollback


def _write(
    *, user, participants, trajectories, done: int, total: int, progress, before_trajectories
) -> None:
    """The new records, in batches: participants, then their trajectories, each with the
    audit entries a save makes and each trajectory with its "aangemeld" history line.
    ``progress`` hears the rows done: the ones that needed no new record, then the written."""
    for batch in _chunks(participants, WRITE_BATCH):
        insert_many(batch)
        creation_records_in_bulk(batch)
    before_trajectories()
    if progress is not None:
        progress(done, total)
    user_id = user.pk if user is not None else None
    for batch in _chunks(trajectories, WRITE_BATCH):
        insert_many(batch)
        insert_values(
            TrajectoryChange,
            [
                {"trajectory_id": t.pk, "changed_by_id": user_id, **enrolment_record(t)}
                for t in batch
            ],
        )
        creation_records_in_bulk(batch)
        done += len(batch)
        if progress is not None:
            progress(done, total)


# --- template ------------------------------------------------------------------------------


def outcome_words() -> list[str]:
    """The outcome words as the pages show them ("diploma en werk", "voortijdig gestopt"): the
    words the template offers. The import accepts these and the stored codes ("diploma+werk",
    "gestopt") of older files."""
    return [str(outcome.label) for outcome in Outcome]


def import_template_example() -> list[str]:
    """One example row that the import accepts as it stands (an invented person)."""
    from projects.selectors import projects_open_for_enrolment

    project = projects_open_for_enrolment().order_by("name").first()
    municipality = Municipality.objects.order_by("name").first()
    return [
        "",
        "Sanne",
        "de Vries",
        "04-03-1995",
        municipality.name if municipality else "",
        project.name if project else "",
        dt.date.today().strftime("%d-%m-%Y"),
        "",
        "",
        "",
        "",
    ]


def import_template_values() -> dict:
    """The valid values of the import, a column each: projects that take participants and
    have not ended, each project's groups that are not cancelled, outcome words, and
    municipalities. Three queries."""
    from projects.constants import CohortStatus
    from projects.selectors import projects_open_for_enrolment

    projects = list(projects_open_for_enrolment().order_by("name"))
    groups = (
        Cohort.objects.filter(project__in=projects)
        .exclude(status=CohortStatus.CANCELLED)
        .order_by("project__name", "start_date", "name")
        .values_list("project__name", "name")
    )
    return {
        "projects": [p.name for p in projects],
        "groups": list(groups),
        "outcomes": outcome_words(),
        "municipalities": list(
            Municipality.objects.order_by("name").values_list("name", flat=True)
        ),
    }
