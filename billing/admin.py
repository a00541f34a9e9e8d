from django.contrib import admin

from billing.models import (
    ArchiveCheck,
    BilledShare,
    BilledShortfall,
    BilledTrajectory,
    Invoice,
    InvoiceLine,
    InvoiceRun,
    NumberSeries,
    ParticipationBudget,
    SettledTrajectory,
)
from waw.admin import ReadOnlyAdminMixin


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Issued documents and their bookkeeping never change, not even in the admin."""


class InvoiceLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = readonly_fields = (
        "kind",
        "project_name",
        "participant_reference",
        "description",
        "start_date",
        "amount",
    )


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "municipality", "period", "issue_date", "total")
    list_filter = ("kind", "municipality", "period", "year")
    list_select_related = ("municipality",)
    search_fields = ("number",)
    inlines = [InvoiceLineInline]


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "project_name", "participant_reference", "start_date", "amount")
    list_select_related = ("invoice",)
    search_fields = ("invoice__number", "participant_reference")


@admin.register(InvoiceRun)
class InvoiceRunAdmin(ReadOnlyAdmin):
    list_display = ("period", "issued_at", "issued_by")
    list_select_related = ("issued_by",)
    search_fields = ("period",)


@admin.register(ArchiveCheck)
class ArchiveCheckAdmin(ReadOnlyAdmin):
    """The runs of verify_archive, written by the command only."""

    list_display = ("finished_at", "documents", "files", "missing", "changed", "orphans")


@admin.register(NumberSeries)
class NumberSeriesAdmin(ReadOnlyAdmin):
    list_display = ("year", "last_number")


@admin.register(BilledTrajectory)
class BilledTrajectoryAdmin(ReadOnlyAdmin):
    list_display = ("trajectory", "line")
    list_select_related = ("trajectory__participant", "trajectory__project", "line__invoice")


@admin.register(SettledTrajectory)
class SettledTrajectoryAdmin(ReadOnlyAdmin):
    list_display = ("trajectory", "municipality", "run", "price_from")
    list_select_related = ("trajectory__participant", "trajectory__project", "municipality", "run")


@admin.register(BilledShortfall)
class BilledShortfallAdmin(ReadOnlyAdmin):
    list_display = ("cohort", "run", "amount")
    list_select_related = ("cohort__project", "run")


@admin.register(BilledShare)
class BilledShareAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "run", "amount")
    list_select_related = ("agreement__project", "run")


@admin.register(ParticipationBudget)
class ParticipationBudgetAdmin(admin.ModelAdmin):
    list_display = ("municipality", "year", "amount", "note")
    list_filter = ("year", "municipality")
    list_select_related = ("municipality",)
    search_fields = ("municipality__name", "note")
