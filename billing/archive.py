"""The archive of issued documents: exactly one file per number, named after it.

A worker can die between writing a document's files and committing its invoice (kill -9, a
power cut): no cleanup runs, the files stay, and the number is handed out again by the retry.
The archive therefore writes each file under its final name (``facturen/<year>/<number>.pdf``),
replacing what an attempt that never committed left there, and removes any other file of the
year's folder that no invoice refers to. Both happen under the lock on the year's number
series, which every issue holds while it writes, so no other issue is writing at that moment.
"""

import contextlib
import dataclasses
import hashlib
import posixpath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from billing.models import ArchiveCheck, Invoice
from waw.iterables import chunks

ROOT = "facturen"
# Published monitor editions are archived beside the invoices, checked the same way.
EDITIONS = "monitor"
ROOTS = (ROOT, EDITIONS)
EDITION_DOCUMENT = "monitoreditie"


def edition_pdf_name(key: str) -> str:
    return f"{EDITIONS}/{key}.pdf"


def folder(year: int) -> str:
    return f"{ROOT}/{year}"


def _referenced(names) -> set[str]:
    from monitor.models import Edition

    rows = Invoice.objects.filter(Q(pdf__in=names) | Q(xml__in=names)).values_list("pdf", "xml")
    editions = Edition.objects.filter(pdf__in=names).values_list("pdf", flat=True)
    return {name for row in rows for name in row if name} | set(editions)


def store(*, name: str, content: bytes, written: list[str]) -> str:
    """Write ``content`` under exactly ``name`` and note it in ``written``. A file already
    there belongs to no invoice (the number is not yet committed) and is replaced; a file an
    invoice refers to is never touched."""
    if default_storage.exists(name):
        if _referenced([name]):
            raise RuntimeError(f"{name} is archived for an issued document")
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    written.append(saved)
    if saved != name:
        raise RuntimeError(f"the storage stored {name} as {saved}")
    return saved


def remove_orphans(*, year: int) -> list[str]:
    """Delete the files of the year's folder that no invoice refers to: what attempts that
    died before their commit left behind. Returns their names."""
    try:
        _folders, files = default_storage.listdir(folder(year))
    except FileNotFoundError:
        return []
    names = [posixpath.join(folder(year), file) for file in files]
    orphans = sorted(set(names) - _referenced(names))
    for name in orphans:
        default_storage.delete(name)
    return orphans


@contextlib.contextmanager
def files_removed_on_failure():
    """Collects the paths of archived files; if the block fails, they are deleted again, so a
    failed issue leaves neither rows nor files behind. Use it inside the transaction that holds
    the series lock: deleting after the lock is released could remove the file of the next
    issue, which writes the same name."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for path in written:
            default_storage.delete(path)
        raise


# --- Verification: are the archived files still there, byte for byte? -----------------------

HASH_BLOCK = 1024 * 1024
ROW_CHUNK = 2000


@dataclasses.dataclass
class Finding:
    kind: str  # "missing", "changed" or "orphan"
    name: str
    document: str = ""  # the number of the invoice or credit note, none for an orphan


@dataclasses.dataclass
class Verification:
    """Counts only: the findings themselves go to ``on_finding`` as they are found, so a lost
    media folder (a million missing files) does not fill the memory either."""

    documents: int = 0
    files: int = 0
    missing: int = 0
    changed: int = 0
    orphans: int = 0

    @property
    def findings(self) -> int:
        return self.missing + self.changed + self.orphans


def file_sha256(name: str) -> str | None:
    """The SHA-256 of an archived file, read in blocks (a file is never held in memory whole);
    None when there is no such file."""
    digest = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as file:
            while block := file.read(HASH_BLOCK):
                digest.update(block)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def _archive_files(directory: str = ROOT):
    """Every file under the archive folder, folder by folder (a year's folder at a time)."""
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for file in sorted(files):
        yield posixpath.join(directory, file)
    for sub in sorted(folders):
        yield from _archive_files(posixpath.join(directory, sub))


def verify(*, on_finding=None) -> Verification:
    """Check every issued invoice and credit note, and every published edition's PDF, against
    its stored SHA-256 (missing and changed files) and every file under the archive folders
    against the documents (orphans).

    Streams both sides: the rows in chunks of ``ROW_CHUNK`` through a server-side cursor, the
    files folder by folder, checked against the database a chunk at a time; memory stays flat
    for a million documents. ``on_finding`` is called with each finding as it is found."""
    result = Verification()

    def found(finding: Finding) -> None:
        attribute = {"missing": "missing", "changed": "changed", "orphan": "orphans"}
        setattr(result, attribute[finding.kind], getattr(result, attribute[finding.kind]) + 1)
        if on_finding:
            on_finding(finding)

    rows = (
        Invoice.objects.order_by("pk")
        .values_list("number", "pdf", "pdf_sha256", "xml", "xml_sha256")
        .iterator(chunk_size=ROW_CHUNK)
    )
    for number, pdf, pdf_sha256, xml, xml_sha256 in rows:
        result.documents += 1
        for name, expected in ((pdf, pdf_sha256), (xml, xml_sha256)):
            if not name:
                continue
            result.files += 1
            actual = file_sha256(name)
            if actual is None:
                found(Finding("missing", name, number))
            elif actual != expected:
                found(Finding("changed", name, number))
    from monitor.models import Edition

    editions = (
        Edition.objects.exclude(pdf="")
        .order_by("pk")
        .values_list("pdf", "pdf_sha256")
        .iterator(chunk_size=ROW_CHUNK)
    )
    for name, expected in editions:
        result.documents += 1
        result.files += 1
        actual = file_sha256(name)
        if actual is None:
            found(Finding("missing", name, EDITION_DOCUMENT))
        elif actual != expected:
            found(Finding("changed", name, EDITION_DOCUMENT))
    files = (name for root in ROOTS for name in _archive_files(root))
    for names in chunks(files, ROW_CHUNK // 2):
        for name in sorted(set(names) - _referenced(names)):
            found(Finding("orphan", name))
    return result


def verify_and_record(*, on_finding=None) -> tuple[Verification, ArchiveCheck]:
    """``verify`` and keep its counts as an ``ArchiveCheck`` for the health page."""
    started_at = timezone.now()
    result = verify(on_finding=on_finding)
    check = ArchiveCheck.objects.create(
        started_at=started_at,
        finished_at=timezone.now(),
        documents=result.documents,
        files=result.files,
        missing=result.missing,
        changed=result.changed,
        orphans=result.orphans,
    )
    return result, check
