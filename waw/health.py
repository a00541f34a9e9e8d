"""The operator's view of a running system: one check per part, shown on /systeemstatus/.

``/healthz`` (waw.views.healthz) stays the load balancer's probe: no login, database only. This
page is for the beheerder. Each check is a function returning a ``Check``; ``CHECKS`` lists them
in the order of the page, so a new part of the system (issue #20's task worker and queue) adds or
replaces one function here and nothing else.
"""

import dataclasses
import datetime as dt
import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import ArchiveCheck

OK = "ok"
WARNING = "waarschuwing"
ERROR = "fout"
NOT_CONFIGURED = "niet in gebruik"

STATUS_LABELS = {
    OK: gettext_lazy("in orde"),
    WARNING: gettext_lazy("let op"),
    ERROR: gettext_lazy("fout"),
    NOT_CONFIGURED: gettext_lazy("niet in gebruik"),
}
# The worst status decides the page's verdict; "not configured" is no fault.
SEVERITY = {OK: 0, NOT_CONFIGURED: 0, WARNING: 1, ERROR: 2}


@dataclasses.dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def database() -> Check:
    name = _("Database")
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure is the finding
        return Check(name, ERROR, _("niet bereikbaar"))
    milliseconds = (time.monotonic() - started) * 1000
    return Check(
        name, OK, _("%(vendor)s, antwoord in %(ms).0f ms") % {
            "vendor": connection.vendor, "ms": milliseconds
        },
    )  # fmt: skip


def storage() -> Check:
    """Write, read back and delete a small file where the archive writes its documents."""
    name = _("Opslag van documenten")
    probe = f"gezondheid/{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(probe, ContentFile(b"ok"))
        try:
            with default_storage.open(saved, "rb") as file:
                readable = file.read() == b"ok"
        finally:
            default_storage.delete(saved)
    except OSError as error:
        return Check(name, ERROR, _("niet beschrijfbaar (%(error)s)") % {"error": error.strerror})
    if not readable:
        return Check(name, ERROR, _("geschreven bestand komt anders terug"))
    return Check(name, OK, _("beschrijfbaar"))


def _max_age() -> dt.timedelta:
    return dt.timedelta(hours=settings.HEALTH_MAX_CHECK_AGE_HOURS)


def _age(moment: dt.datetime) -> str:
    hours = (timezone.now() - moment).total_seconds() / 3600
    return _("%(hours).1f uur geleden") % {"hours": hours}


def _short_age(moment: dt.datetime) -> str:
    seconds = max(0, (timezone.now() - moment).total_seconds())
    if seconds < 120:
        return _("%(n)d seconden") % {"n": seconds}
    if seconds < 7200:
        return _("%(n)d minuten") % {"n": seconds // 60}
    return _("%(n).1f uur") % {"n": seconds / 3600}


def archive_verification() -> Check:
    """The latest ``verify_archive``: its result and whether it ran recently (cron, daily)."""
    name = _("Archiefcontrole (verify_archive)")
    latest = ArchiveCheck.objects.order_by("-finished_at").first()
    if latest is None:
        return Check(name, WARNING, _("nog nooit uitgevoerd"))
    summary = _(
        "%(age)s: %(documents)s documenten, %(missing)s ontbrekend, %(changed)s gewijzigd, "
        "%(orphans)s zonder document"
    ) % {
        "age": _age(latest.finished_at),
        "documents": latest.documents,
        "missing": latest.missing,
        "changed": latest.changed,
        "orphans": latest.orphans,
    }
    if not latest.ok:
        return Check(name, ERROR, summary)
    if timezone.now() - latest.finished_at > _max_age():
        return Check(name, WARNING, _("te lang geleden; ") + summary)
    return Check(name, OK, summary)


def latest_backup() -> Check:
    name = _("Laatste back-up")
    folder = Path(settings.BACKUP_DIR)
    backups = sorted(folder.glob("waw-backup-*.tar*")) if folder.is_dir() else []
    if not backups:
        return Check(name, WARNING, _("geen back-up in %(folder)s") % {"folder": folder})
    newest = backups[-1]  # the names sort by their UTC time
    moment = dt.datetime.fromtimestamp(newest.stat().st_mtime, tz=dt.UTC)
    detail = f"{newest.name}, {_age(moment)}"
    if timezone.now() - moment > _max_age():
        return Check(name, WARNING, _("te lang geleden; ") + detail)
    return Check(name, OK, detail)


# A job waiting longer than this means no worker is taking work from the queue.
QUEUE_WAIT_WARNING = dt.timedelta(minutes=5)


def task_worker() -> Check:
    """The task queue (waw/jobs.py): the oldest job still waiting and when a worker was last
    heard of. A job waiting for minutes means no worker runs (``manage.py db_worker``)."""
    from django_tasks import task_backends

    from waw.jobs import reap_stale
    from waw.models import Job

    name = _("Taakverwerker en wachtrij")
    backend = task_backends["default"]
    if type(backend).__name__ != "DatabaseBackend":
        return Check(
            name,
            NOT_CONFIGURED,
            _("geen wachtrij: taken worden meteen uitgevoerd (%(backend)s)")
            % {"backend": type(backend).__name__},
        )
    reap_stale()
    now = timezone.now()
    oldest = Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at").first()
    running = Job.objects.filter(status=Job.Status.RUNNING).count()
    moments = [
        moment
        for moment in (
            Job.objects.exclude(heartbeat_at=None).order_by("-heartbeat_at")
            .values_list("heartbeat_at", flat=True).first(),
            Job.objects.exclude(finished_at=None).exclude(started_at=None)
            .order_by("-finished_at").values_list("finished_at", flat=True).first(),
        )
        if moment is not None
    ]
    last = (
        _("laatst actief %(age)s geleden") % {"age": _short_age(max(moments))}
        if moments
        else _("nog nooit actief")
    )
    parts = [_("%(n)s bezig") % {"n": running}]
    if oldest is None:
        parts.insert(0, _("wachtrij leeg"))
        return Check(name, OK, "; ".join([*parts, last]))
    waiting = now - oldest.created_at
    parts.insert(
        0,
        _("%(n)s in de wachtrij, de oudste wacht %(age)s")
        % {
            "n": Job.objects.filter(status=Job.Status.QUEUED).count(),
            "age": _short_age(oldest.created_at),
        },
    )
    if waiting > QUEUE_WAIT_WARNING:
        parts.append(_("draait de taakverwerker (manage.py db_worker)?"))
        return Check(name, WARNING, "; ".join([*parts, last]))
    return Check(name, OK, "; ".join([*parts, last]))


def disk_space() -> Check:
    name = _("Schijfruimte")
    findings = []
    status = OK
    for label, path in ((_("media"), settings.MEDIA_ROOT), (_("back-ups"), settings.BACKUP_DIR)):
        existing = Path(path)
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        usage = shutil.disk_usage(existing)
        free = usage.free / usage.total * 100
        findings.append(
            _("%(label)s: %(free_gb)s GB vrij (%(percent).0f%%)")
            % {"label": label, "free_gb": number_format(usage.free / 1e9, 1), "percent": free}
        )
        if free < settings.HEALTH_MIN_FREE_DISK_PERCENT / 2:
            status = ERROR
        elif free < settings.HEALTH_MIN_FREE_DISK_PERCENT and status == OK:
            status = WARNING
    return Check(name, status, "; ".join(findings))


CHECKS = [database, storage, archive_verification, latest_backup, task_worker, disk_space]


def run_checks() -> tuple[str, list[Check]]:
    """Every check, and the page's verdict: the worst status among them."""
    checks = [check() for check in CHECKS]
    worst = max((c.status for c in checks), key=SEVERITY.__getitem__, default=OK)
    return (OK if worst == NOT_CONFIGURED else worst), checks
