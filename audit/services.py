"""Writes to the audit trail that django-auditlog does not make by itself.

Changes to the registered models (settings.AUDITLOG_INCLUDE_TRACKING_MODELS) are logged by
django-auditlog on save and delete; this module adds the access log (who viewed, downloaded or
exported personal data) and the retention redaction.
"""

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import get_field_value, is_primitive, model_instance_diff, track_field
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.encoding import smart_str

from audit.constants import AccessAction
from waw.bulk import insert_values

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


def _creation_diff(model):
    """django-auditlog's model_instance_diff(None, obj) for ``model``, with the logged fields
    worked out once instead of for every record (a third of the import's time otherwise)."""
    model_fields = auditlog.get_model_fields(model)
    if not settings.AUDITLOG_STORE_JSON_CHANGES or model_fields["mask_fields"]:

        def diff(obj):
            return model_instance_diff(None, obj, use_json_for_changes=True)

        return diff
    fields = [f for f in model._meta.get_fields() if track_field(f)]
    if model_fields["include_fields"]:
        fields = [f for f in fields if f.name in model_fields["include_fields"]]
    fields = [f for f in fields if f.name not in model_fields["exclude_fields"]]

    def diff(obj):
        changes = {}
        for field in fields:
            value = get_field_value(obj, field, True)
            if value is not None:  # differs from the "old" value of a creation, None
                changes[field.name] = [None, value if is_primitive(value) else smart_str(value)]
        return changes or None

    return diff


def creation_records_in_bulk(objs) -> int:
    """The audit entries django-auditlog writes when each of ``objs`` (saved, of one tracked
    model) is created, written in one insert (waw.bulk.insert_many): a bulk insert sends no
    signals, so a bulk write of a tracked model calls this. The entries are those of a save:
    the same diff of the logged fields, representation, correlation id, and the actor and
    remote address of the request (``set_actor``, the middleware), unless the audit log is
    switched off."""
    objs = list(objs)
    if not objs or auditlog_disabled.get():
        return 0
    content_type = ContentType.objects.get_for_model(objs[0])
    # What a save of each entry would send, once: set_actor's receiver (the request's user and
    # address) fills them in.
    template = LogEntry(content_type=content_type, action=LogEntry.Action.CREATE)
    pre_save.send(sender=LogEntry, instance=template, raw=False, using=None)
    context = {
        "actor_id": template.actor_id,
        "actor_email": template.actor_email,
        "remote_addr": template.remote_addr,
        "remote_port": template.remote_port,
        "additional_data": template.additional_data,
        "cid": template.cid or get_cid(),
        "timestamp": timezone.now(),
    }
    diff = _creation_diff(type(objs[0]))
    serialized = LogEntry.objects._get_serialized_data_or_none
    if not auditlog.get_serialize_options(type(objs[0]))["serialize_data"]:

        def serialized(obj):
            return None

    entries = []
    for obj in objs:
        changes = diff(obj)
        if not changes:
            continue
        entries.append(
            {
                "content_type_id": content_type.pk,
                "object_pk": str(obj.pk),
                "object_id": obj.pk,
                "object_repr": smart_str(obj),
                "serialized_data": serialized(obj),
                "action": LogEntry.Action.CREATE,
                "changes": changes,
                **context,
            }
        )
    insert_values(LogEntry, entries)
    return len(entries)
