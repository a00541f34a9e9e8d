"""The archive of issued documents: exactly one file per number, named after it.

A worker can die between writing a document's files and committing its invoice (kill -9, a
power cut): no cleanup runs, the files stay, and the number is handed out again by the retry.
The archive therefore writes each file under its final name (``facturen/<year>/<number>.pdf``),
replacing what an attempt that never committed left there, and removes any other file of the
year's folder that no invoice refers to. Both happen under the lock on the year's number
series, which every issue holds while it writes, so no other issue is writing at that moment.
"""

import contextlib
import posixpath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q

from billing.models import Invoice


def folder(year: int) -> str:
    return f"facturen/{year}"


def _referenced(names) -> set[str]:
    rows = Invoice.objects.filter(Q(pdf__in=names) | Q(xml__in=names)).values_list("pdf", "xml")
    return {name for row in rows for name in row if name}


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
