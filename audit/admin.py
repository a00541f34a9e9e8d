"""The log in the Django admin: readable, never added to, changed or deleted, not even by a
superuser (django-auditlog's own admin allows deleting)."""

from auditlog.admin import LogEntryAdmin as AuditlogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from waw.admin import ReadOnlyAdminMixin

admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdminMixin, AuditlogEntryAdmin):
    def get_actions(self, request):
        return {}
