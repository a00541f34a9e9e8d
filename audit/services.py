"""Writes to the audit trail that django-auditlog does not make by itself.

Changes to the registered models (settings.AUDITLOG_INCLUDE_TRACKING_MODELS) are logged by
django-auditlog on save and delete; this module adds the access log (who viewed, downloaded or
exported personal data) and the retention redaction.
"""

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

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


def creation_records_in_bulk(objs, *, batch_size: int = 1000) -> int:
    """The audit entries django-auditlog writes when each of ``objs`` (saved, of one tracked
    model) is created, written in one insert per batch: ``bulk_create`` sends no signals, so a
    bulk write of a tracked model calls this. The entries are those of a save: the same diff
    of the logged fields, representation, correlation id, and the actor and remote address of
    the request (``set_actor``, the middleware), unless the audit log is switched off."""
    objs = list(objs)
    if not objs or auditlog_disabled.get():
        return 0
    context_type = ContentType.objects.get_for_model(objs[0])
    cid = get_cid()
    entries = []
    for obj in objs:
        changes = model_instance_diff(
            None, obj, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
        )
        if not changes:
            continue
        entries.append(
            LogEntry(
                content_type=context_type,
                object_pk=str(obj.pk),
                object_id=obj.pk,
                object_repr=smart_str(obj),
                serialized_data=LogEntry.objects._get_serialized_data_or_none(obj),
                action=LogEntry.Action.CREATE,
                changes=changes,
                cid=cid,
            )
        )
        # What a save sends: set_actor's receiver (the request's user and address) listens.
        pre_save.send(sender=LogEntry, instance=entries[-1], raw=False, using=None)
    LogEntry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)
