"""Writes to the audit trail that django-auditlog does not make by itself.

Changes to the registered models (settings.AUDITLOG_INCLUDE_TRACKING_MODELS) are logged by
django-auditlog on save and delete; this module adds the access log (who viewed, downloaded or
exported personal data) and the retention redaction.
"""

from auditlog.models import LogEntry
from django.db import transaction

from audit.constants import AccessAction

REDACTED = "[geanonimiseerd]"


def access_record(*, user, obj, action: AccessAction) -> LogEntry:
    """Record that ``user`` viewed, downloaded or exported ``obj`` (one access-log entry)."""
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=user if user.is_authenticated else None,
        actor_email=getattr(user, "email", None) or None,
        changes={},
        additional_data={"access": AccessAction(action).value},
    )


@transaction.atomic
def redact_personal_values(*, obj, fields: set[str]) -> int:
    """Replace the logged values of ``fields`` about ``obj`` by a redaction mark and its logged
    name by its current one, keeping who did what when. The only change ever made to the log:
    the AVG retention duty applies to the copies of personal data in the log as well."""
    entries = list(LogEntry.objects.get_for_object(obj))
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        for field in fields & set(changes):
            changes[field] = [
                REDACTED if value not in (None, "") else value for value in changes[field]
            ]
        LogEntry.objects.filter(pk=entry.pk).update(
            changes=changes, changes_text="", object_repr=str(obj), serialized_data=None
        )
    return len(entries)


def change_record(*, user, obj, changes: dict[str, list]) -> LogEntry:
    """Record a change made with django-auditlog switched off (so that old values are not
    copied into the log), with only the values given."""
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        actor=user,
        changes=changes,
    )


def creation_record(*, user, obj, changes: dict[str, list]) -> LogEntry:
    """Record that ``user`` created ``obj`` by an action (say, copied from last year), with
    the values given; for records that django-auditlog does not follow by itself."""
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.CREATE,
        actor=user,
        changes=changes,
    )
