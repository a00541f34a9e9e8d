"""Reads of the audit trail: the trail of a record, and the whole log for the beheerder."""

from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from audit.constants import ENTRY_KINDS, AccessAction

ACTION_KINDS = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
}
KIND_LABELS = dict(ENTRY_KINDS)


def entries_for(objects) -> QuerySet:
    """Every log entry about any of ``objects`` (changes and accesses), newest first."""
    condition = Q(pk__in=[])
    by_type: dict[ContentType, list] = {}
    for obj in objects:
        by_type.setdefault(ContentType.objects.get_for_model(obj), []).append(obj.pk)
    for content_type, pks in by_type.items():
        condition |= Q(content_type=content_type, object_id__in=pks)
    return (
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")
    )


def changes_for(objects) -> QuerySet:
    """Who created, changed or deleted any of ``objects``, when, old → new."""
    return entries_for(objects).exclude(action=LogEntry.Action.ACCESS)


def accesses_for(objects) -> QuerySet:
    """Who viewed, downloaded or exported any of ``objects``, when."""
    return entries_for(objects).filter(action=LogEntry.Action.ACCESS)


def entry_kind(entry: LogEntry) -> str:
    """'create', 'update', 'delete', or for the access log 'view', 'download', 'export'."""
    if entry.action == LogEntry.Action.ACCESS:
        return (entry.additional_data or {}).get("access", AccessAction.VIEW)
    return ACTION_KINDS[entry.action]


def kind_filter(kind: str) -> Q:
    """The condition selecting the entries of one kind (see ``entry_kind``)."""
    for action, name in ACTION_KINDS.items():
        if kind == name:
            return Q(action=action)
    return Q(action=LogEntry.Action.ACCESS, additional_data__access=kind)


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class TrailRow:
    """One log entry as people read it."""

    entry: LogEntry
    kind: str
    kind_label: str
    changes: list[Change]


def _value(value) -> str:
    if value in (None, "None", ""):
        return ""
    if value in (True, "True"):
        return str(_("ja"))
    if value in (False, "False"):
        return str(_("nee"))
    return str(value)


def trail_rows(entries) -> list[TrailRow]:
    rows = []
    for entry in entries:
        kind = entry_kind(entry)
        changes = []
        if entry.action != LogEntry.Action.ACCESS:
            for field, values in entry.changes_display_dict.items():
                old, new = (_value(value) for value in [*values, "", ""][:2])
                if old or new:  # a field left empty on creation says nothing
                    changes.append(Change(field=str(field), old=old, new=new))
        rows.append(
            TrailRow(
                entry=entry,
                kind=kind,
                kind_label=str(KIND_LABELS.get(kind, kind)),
                changes=changes,
            )
        )
    return rows


def logged_models() -> QuerySet:
    """The content types that have entries in the log, for the beheerder's model filter."""
    ids = LogEntry.objects.values("content_type_id").distinct()
    return ContentType.objects.filter(pk__in=ids).order_by("app_label", "model")


def log_entries() -> QuerySet:
    """The whole log, newest first; for the beheerder only."""
    return LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
