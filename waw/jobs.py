"""Jobs: long work (imports, invoice runs, edition PDFs) done by a task worker, with progress.

A view calls :func:`start_job`; it records a :class:`~waw.models.Job` and, once the request's
transaction has committed, enqueues ``waw.tasks.run_job`` (Django's task framework, database
backend). The worker runs :func:`execute`, which calls the kind's work function (``WORK``)
with a ``progress(done, total)`` callable. The management commands call :func:`execute` in
the foreground, so the same code runs with or without a worker.

Progress and the heartbeat. The work runs in one transaction (all or nothing), so progress
written through the work's own connection would stay invisible until the end, and be rolled
back with it. So the progress callback only keeps the latest figures in memory, and a small
thread writes them with the heartbeat about twice a second through its own connection
(Django's connections are per thread), in its own short autocommit statement. On PostgreSQL
that is always visible at once. SQLite has one writer at a time: while the work holds the write
lock, the thread's write waits and is skipped, so there the bar moves during the long parts
that run outside the write transaction (reading and checking every row of a file, rendering
the PDFs) and pauses during the bulk write. That is also why a stale heartbeat alone is not
proof of a dead worker: on the worker's own machine the reaper asks the operating system
whether the process still lives; only for a worker on another machine (PostgreSQL) does a
heartbeat older than ``JOB_HEARTBEAT_TIMEOUT_SECONDS`` count as dead.

Faults. A worker killed mid-task (kill -9) takes its transaction with it: the database rolls
it back, nothing half-done remains. :func:`reap_stale` — run when a job starts, when jobs are
listed or read, and on the health page — marks such a job failed with the reason, removes its
input file, and closes the queue's own row for it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from waw.models import Job

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]

# kind → the work function: ``work(job, progress) -> Outcome``. Dotted paths, so this shared
# module imports no app.
WORK: dict[str, str] = {
    Job.Kind.TRAJECTORY_IMPORT: "participants.jobs.trajectory_import",
    Job.Kind.GROUP_IMPORT: "participants.jobs.group_import",
    Job.Kind.INVOICE_RUN: "billing.jobs.invoice_run",
    Job.Kind.EDITION_PDF: "monitor.jobs.edition_pdf",
}

PROGRESS_WRITE_SECONDS = 0.5
# How long a job waits for SQLite's write lock; a web request waits less
# (SQLITE_BUSY_TIMEOUT_SECONDS, waw/env.py). Nobody waits on a page for a job, and a job that
# meets the lock held by another job's write (a second worker, an invoice run beside a large
# import) should wait its turn rather than fail after minutes of work; a 100,000-row import
# holds the lock for well under a minute (bench/import-results.md).
JOB_SQLITE_BUSY_TIMEOUT_SECONDS = 300
# SQLite's page cache of a job's connection (the default is 2 MB). A write transaction that
# outgrows its cache spills pages to the database file, for which it takes the exclusive lock,
# and from then on no one can read until it commits: during a 20,000-row import (35 MB of
# pages) every page of the site waited 3–5 s, at 100,000 rows 25 s. With the new pages kept in
# the cache, readers are only held up while it commits (0.1 s); writers still wait for the
# write lock. The cache grows only as pages are used and shrinks back after the job.
JOB_SQLITE_CACHE_MB = 256
# An input file no active job refers to (a request that died between saving the file and
# committing its job) is removed after this long.
ORPHAN_INPUT_SECONDS = 3600

WORKER_GONE = _(
    "De taakverwerker is gestopt terwijl deze taak liep (bijvoorbeeld doordat hij is "
    "afgebroken of de server opnieuw is gestart). Er is niets opgeslagen; start de taak opnieuw."
)
NO_HEARTBEAT = _(
    "De taakverwerker heeft %(minutes)s minuten niets van zich laten horen. Er is niets "
    "opgeslagen; start de taak opnieuw."
)
UNEXPECTED = _(
    "Er ging iets onverwachts mis; er is niets opgeslagen. De beheerder kan de oorzaak in "
    "het logboek vinden (taak %(id)s)."
)
INTERRUPTED = _("De taak is afgebroken; er is niets opgeslagen.")
NOT_ENQUEUED = _("De taak kon niet in de wachtrij worden gezet; probeer het opnieuw.")
NEVER_RAN = _(
    "De taakverwerker heeft deze taak afgesloten zonder haar uit te voeren; er is niets "
    "opgeslagen. Start de taak opnieuw."
)


@dataclass
class Outcome:
    """What a work function reports: success, and the summary (or row errors) to keep."""

    ok: bool
    summary: dict = field(default_factory=dict)
    error: str = ""


class JobAlreadyRunning(Exception):
    """The same run is already queued or running; ``job`` is that one (None if it just ended)."""

    def __init__(self, job: Job | None):
        self.job = job
        super().__init__(str(self.message))

    @property
    def message(self):
        """A Dutch message linking to the running job (safe HTML)."""
        if self.job is None:
            return _("Dezelfde taak liep zojuist nog; probeer het opnieuw.")
        if self.job.status == Job.Status.QUEUED:
            text = _('Deze taak staat al in de wachtrij: <a href="{url}">bekijk de voortgang</a>.')
        else:
            text = _('Deze taak is al bezig: <a href="{url}">bekijk de voortgang</a>.')
        return format_html(text, url=reverse("job", args=[self.job.pk]))


def input_dir() -> Path:
    return Path(settings.JOB_INPUT_DIR or Path(settings.MEDIA_ROOT) / "job-input")


def _save_input(*, name: str, chunks) -> Path:
    """Save an upload (or a file's bytes) to a private file of its own; the name is random,
    the original name is kept on the job."""
    folder = input_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{uuid.uuid4().hex}{Path(name).suffix.lower()[:10]}"
    with open(path, "xb") as out:
        os.chmod(path, 0o600)
        for chunk in chunks:
            out.write(chunk)
    return path


def _remove_input(path: str) -> None:
    if path:
        with contextlib.suppress(FileNotFoundError):
            Path(path).unlink()


def job_key(kind: str, user=None, *, scope: str = "") -> str:
    """The key of "the same run": the scope given (a period, an edition), else one per user at
    a time; work started by no one (a command) is never "the same" as other work."""
    if scope:
        return f"{kind}:{scope}"
    if user is not None and user.pk:
        return f"{kind}:user:{user.pk}"
    return f"{kind}:{uuid.uuid4().hex}"


def create_job(
    *,
    kind: str,
    key: str,
    user=None,
    title: str = "",
    params: dict | None = None,
    upload=None,
    input_file: Path | None = None,
) -> Job:
    """Record a queued job (and save its input file); JobAlreadyRunning when the same run is
    queued or running. ``upload`` is an uploaded file, ``input_file`` a file on disk (a
    command's), copied so the task can always remove its own copy."""
    reap_stale()
    path = None
    name = ""
    if upload is not None:
        name = upload.name
        path = _save_input(name=name, chunks=upload.chunks())
    elif input_file is not None:
        name = input_file.name
        with open(input_file, "rb") as source:
            path = _save_input(name=name, chunks=iter(lambda: source.read(1 << 20), b""))
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                key=key,
                user=user if user is not None and user.pk else None,
                title=title,
                params=params or {},
                input_name=name[:255],
                input_path=str(path or ""),
            )
    except IntegrityError:
        if path is not None:
            _remove_input(str(path))
        running = Job.objects.filter(key=key, status__in=Job.ACTIVE).first()
        raise JobAlreadyRunning(running) from None
    # Should the surrounding transaction roll back, the job is gone and its file an orphan,
    # which reap_stale removes after ORPHAN_INPUT_SECONDS.
    return job


def start_job(**kwargs) -> Job:
    """Record a job (see :func:`create_job`) and enqueue its task once the transaction has
    committed, so the worker never looks for a job that is not there yet."""
    job = create_job(**kwargs)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from waw.tasks import run_job

    try:
        result = run_job.enqueue(job_id)
    except Exception:
        logger.exception("job %s could not be enqueued", job_id)
        _finish(job_id, Job.Status.FAILED, outcome=None, error=str(NOT_ENQUEUED))
        job = Job.objects.filter(pk=job_id).first()
        if job is not None:
            _remove_input(job.input_path)
        return
    Job.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


# --- running --------------------------------------------------------------------------------


class _Recorder:
    """Keeps the latest progress in memory and writes it, with the heartbeat, from a thread of
    its own (its own connection) — or, inside a transaction (the immediate backend in tests),
    directly and at most every PROGRESS_WRITE_SECONDS."""

    def __init__(self, job_id: int, *, threaded: bool):
        self.job_id = job_id
        self.threaded = threaded
        self.done = 0
        self.total: int | None = None
        self._written: tuple | None = None
        self._last_write = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def progress(self, done: int, total: int | None = None) -> None:
        self.done, self.total = max(0, int(done)), (None if total is None else max(0, int(total)))
        if not self.threaded and time.monotonic() - self._last_write >= PROGRESS_WRITE_SECONDS:
            self._write()

    def _write(self) -> None:
        self._last_write = time.monotonic()
        figures = (self.done, self.total)
        Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
            done=figures[0], total=figures[1], heartbeat_at=timezone.now()
        )
        self._written = figures

    def _beat(self) -> None:
        try:
            while not self._stop.wait(PROGRESS_WRITE_SECONDS):
                # SQLite while the work holds the write lock: skipped, tried again soon.
                with contextlib.suppress(DatabaseError):
                    self._write()
        finally:
            connection.close()

    def __enter__(self):
        if self.threaded:
            self._thread = threading.Thread(target=self._beat, name=f"job-{self.job_id}")
            self._thread.daemon = True
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


@contextlib.contextmanager
def _sqlite_tuned_for_a_job():
    """While the job runs, its connection waits JOB_SQLITE_BUSY_TIMEOUT_SECONDS for SQLite's
    write lock and keeps JOB_SQLITE_CACHE_MB of pages; then the usual values again (the
    worker's connection serves its queue too)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        usual_timeout = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size")
        usual_cache = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {int(JOB_SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute(f"PRAGMA cache_size = -{int(JOB_SQLITE_CACHE_MB * 1024)}")  # in KiB
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(usual_timeout)}")
            cursor.execute(f"PRAGMA cache_size = {int(usual_cache)}")


def _worker_identity() -> tuple[str, int]:
    return socket.gethostname()[:255], os.getpid()


def _finish(job_id: int, status: str, *, outcome, error: str, figures=None) -> int:
    """Close a job once; a job the reaper closed meanwhile stays as the reaper left it."""
    values = {"status": status, "outcome": outcome, "error": error, "finished_at": timezone.now()}
    if figures is not None:
        values["done"], values["total"] = figures
    return Job.objects.filter(pk=job_id, status__in=Job.ACTIVE).update(**values)


def execute(job_id: int) -> str:
    """Run a queued job to its end: claim it, do its work with progress, record the outcome,
    remove its input file. Returns the job's final status. The task and the commands call
    this."""
    reap_stale()
    now = timezone.now()
    host, pid = _worker_identity()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker_host=host,
        worker_pid=pid,
    )
    job = Job.objects.get(pk=job_id)
    if not claimed:
        # Reaped or run already: nothing to do, and the file is not ours to keep.
        if not job.is_active:
            _remove_input(job.input_path)
        return job.status
    status, outcome, error = Job.Status.FAILED, None, str(INTERRUPTED)
    recorder = _Recorder(job.pk, threaded=not transaction.get_connection().in_atomic_block)
    try:
        # A worker has no request: the audit trail's entries name the job's user.
        actor = set_actor(job.user) if job.user_id else contextlib.nullcontext()
        with recorder, actor, _sqlite_tuned_for_a_job():
            work = import_string(WORK[job.kind])
            result: Outcome = work(job, recorder.progress)
        status = Job.Status.DONE if result.ok else Job.Status.FAILED
        outcome, error = result.summary, result.error
    except ValidationError as refusal:
        error = " ".join(refusal.messages)
        outcome = {"messages": refusal.messages}
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        error = str(UNEXPECTED % {"id": job.pk})
    finally:
        figures = (recorder.done, recorder.total)
        _finish(job.pk, status, outcome=outcome, error=error, figures=figures)
        _remove_input(job.input_path)
    return status


# --- faults ---------------------------------------------------------------------------------


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (killed, not yet collected by its parent) is dead for our purposes.
    with contextlib.suppress(OSError, IndexError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    return True


def _is_stale(job: Job, *, now: dt.datetime, host: str) -> str:
    """Why a running job's worker is gone ("" while it lives)."""
    if job.worker_host == host and job.worker_pid:
        return "" if _process_alive(job.worker_pid) else str(WORKER_GONE)
    timeout = settings.JOB_HEARTBEAT_TIMEOUT_SECONDS
    if job.heartbeat_at is None or now - job.heartbeat_at > dt.timedelta(seconds=timeout):
        return str(NO_HEARTBEAT % {"minutes": max(1, round(timeout / 60))})
    return ""


def reap_stale() -> int:
    """Mark running jobs whose worker is gone as failed, remove their input files and close the
    queue's row; remove input files no active job refers to. Returns the jobs reaped."""
    now = timezone.now()
    host, _pid = _worker_identity()
    reaped = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING).only(
        "pk", "worker_host", "worker_pid", "heartbeat_at", "input_path", "task_id", "status"
    ):
        reason = _is_stale(job, now=now, host=host)
        if not reason:
            continue
        if _finish(job.pk, Job.Status.FAILED, outcome=None, error=reason):
            reaped += 1
            logger.warning("job %s reaped: %s", job.pk, reason)
            _remove_input(job.input_path)
            _close_queue_row(job.task_id, now)
    reaped += _reap_never_ran()
    _remove_orphan_inputs()
    return reaped


def _reap_never_ran() -> int:
    """A queued job whose task the queue already closed (it failed before our code ran, e.g.
    the task could not be imported) would wait forever: fail it."""
    try:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend
        return 0
    queued = dict(
        Job.objects.filter(status=Job.Status.QUEUED)
        .exclude(task_id="")
        .values_list("task_id", "pk")
    )
    if not queued:
        return 0
    closed = DBTaskResult.objects.filter(
        id__in=list(queued),
        status__in=[TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL],
    ).values_list("id", flat=True)
    reaped = 0
    for task_id in closed:
        job = Job.objects.get(pk=queued[str(task_id)])
        if _finish(job.pk, Job.Status.FAILED, outcome=None, error=str(NEVER_RAN)):
            reaped += 1
            _remove_input(job.input_path)
    return reaped


def _close_queue_row(task_id: str, now) -> None:
    """The database backend leaves a killed task "running"; say it failed there too."""
    if not task_id:
        return
    try:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend
        return
    DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED, finished_at=now
    )


def _remove_orphan_inputs() -> None:
    folder = input_dir()
    if not folder.is_dir():
        return
    cutoff = time.time() - ORPHAN_INPUT_SECONDS
    old = [p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime < cutoff]
    if not old:
        return
    active = set(
        Job.objects.filter(status__in=Job.ACTIVE)
        .exclude(input_path="")
        .values_list("input_path", flat=True)
    )
    for path in old:
        if str(path) not in active:
            _remove_input(str(path))
