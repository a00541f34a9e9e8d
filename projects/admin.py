from django.contrib import admin

from projects import services
from projects.models import (
    Agreement,
    AgreementCostShare,
    Budget,
    BudgetLine,
    BudgetSeries,
    BudgetSeriesAmount,
    Category,
    Cohort,
    Decision,
    DocumentedRealisation,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Meeting,
    MultiYearActivity,
    MultiYearAmount,
    MultiYearBudget,
    MunicipalityInhabitants,
    Programme,
    ProgrammeBaseline,
    Project,
    TariffOption,
    TariffPrice,
)
from waw.admin import ReadOnlyAdminMixin


class ProgrammeBaselineInline(admin.TabularInline):
    model = ProgrammeBaseline
    extra = 0


@admin.register(ProgrammeBaseline)
class ProgrammeBaselineAdmin(admin.ModelAdmin):
    list_display = ("programme", "until", "trajectories", "training_trajectories", "to_work")
    list_select_related = ("programme",)


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("project", "name", "unit")
    list_select_related = ("project",)
    search_fields = ("name", "project__name")
    inlines = [IndicatorTargetInline]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "year", "target", "source")
    list_select_related = ("indicator__project",)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Values are entered on the indicator's page, whose service checks the half-year."""

    list_display = ("indicator", "period", "value", "recorded_by", "recorded_at")
    list_select_related = ("indicator__project", "recorded_by")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    inlines = [ProgrammeBaselineInline]
    list_display = ("name", "start_date", "end_date")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "order")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "programme", "category", "provider", "status", "success_criterion")
    list_filter = ("status", "takes_participants", "programme", "category", "success_criterion")
    list_select_related = ("programme", "category")
    search_fields = ("name", "provider", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [DecisionInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Decision:
            return super().save_formset(request, form, formset, change)
        # Each decision through the service, which files it in its meeting.
        for decision in formset.save(commit=False):
            services.decision_save(decision=decision)
        for removed in formset.deleted_objects:
            removed.delete()


class TariffOptionInline(admin.TabularInline):
    model = TariffOption
    extra = 0


class AgreementCostShareInline(admin.TabularInline):
    """Read only: the agreement form's service checks that the percentages add up to 100."""

    model = AgreementCostShare
    extra = 0
    fields = ("municipality", "percentage")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AgreementCostShare)
class AgreementCostShareAdmin(admin.ModelAdmin):
    """Percentages of a "vaste verdeling"; a run refuses to share by percentages that do not
    add up to 100 (billing rule 12), whatever was entered here."""

    list_display = ("agreement", "municipality", "percentage")
    list_select_related = ("agreement__project", "municipality")


@admin.register(TariffPrice)
class TariffPriceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read only: a later price is added in the agreement form, through the service that
    refuses to touch an applied price (billing rule 8)."""

    list_display = ("option", "valid_from", "price", "applied_until")
    list_select_related = ("option__agreement__project",)


@admin.register(MunicipalityInhabitants)
class MunicipalityInhabitantsAdmin(admin.ModelAdmin):
    """Inhabitants on 1 January (CBS), the key of "naar inwoners" (billing rule 12)."""

    list_display = ("municipality", "year", "inhabitants")
    list_filter = ("year",)
    list_select_related = ("municipality",)


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = (
        "project",
        "year",
        "programme",
        "joint_project_costs",
        "estimated_participants",
        "target_text",
    )
    list_filter = ("year",)
    list_select_related = ("project", "programme")
    search_fields = ("project__name", "target_text", "notes")
    inlines = [TariffOptionInline, AgreementCostShareInline]


class TariffPriceInline(admin.TabularInline):
    """Read only: a later price is added through the agreement form, whose service refuses to
    touch an applied price (billing rule 8)."""

    model = TariffPrice
    extra = 0
    fields = ("valid_from", "price", "applied_until")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TariffOption)
class TariffOptionAdmin(admin.ModelAdmin):
    inlines = [TariffPriceInline]
    readonly_fields = ("price_applied_until",)
    list_display = (
        "agreement",
        "label",
        "price_per_participant",
        "price_from",
        "min_group_size",
        "is_default",
    )
    list_filter = ("agreement__year", "is_default")
    list_select_related = ("agreement__project",)
    search_fields = ("agreement__project__name", "label")


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    """Status and reason change only by the start or cancel decision on the group page."""

    list_display = ("name", "project", "start_date", "tariff_option", "status")
    readonly_fields = ("status", "decision_reason", "decided_at", "decided_by")
    list_filter = ("project",)
    list_select_related = ("project", "tariff_option__agreement__project")
    search_fields = ("name", "project__name")


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("project", "date", "body", "decision")
    list_filter = ("body", "date")
    list_select_related = ("project",)
    search_fields = ("project__name", "decision", "advice")
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        services.decision_save(decision=obj)


@admin.register(DocumentedRealisation)
class DocumentedRealisationAdmin(admin.ModelAdmin):
    list_display = ("project", "year", "participants", "trajectory_costs", "project_costs")
    list_filter = ("year",)
    list_select_related = ("project",)
    search_fields = ("project__name", "source")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("body", "date", "title")
    list_filter = ("body",)
    search_fields = ("body", "title")


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    fk_name = "budget"
    extra = 0
    autocomplete_fields = ("project",)


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "year", "source")
    list_filter = ("programme", "year")
    list_select_related = ("programme",)
    search_fields = ("title",)
    inlines = [BudgetLineInline]


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = (
        "budget",
        "kind",
        "nature",
        "category",
        "project",
        "planned",
        "is_pm",
        "realised",
    )
    list_filter = ("budget", "kind", "nature", "funding_source")
    list_select_related = ("budget", "project")
    search_fields = ("category", "project__name")


class BudgetSeriesAmountInline(admin.TabularInline):
    model = BudgetSeriesAmount
    extra = 0


@admin.register(BudgetSeries)
class BudgetSeriesAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "nature", "funding_source", "source")
    list_select_related = ("programme",)
    inlines = [BudgetSeriesAmountInline]


class MultiYearActivityInline(admin.TabularInline):
    model = MultiYearActivity
    extra = 0


@admin.register(MultiYearBudget)
class MultiYearBudgetAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "available", "source")
    list_select_related = ("programme", "available")
    inlines = [MultiYearActivityInline]


@admin.register(MultiYearAmount)
class MultiYearAmountAdmin(admin.ModelAdmin):
    list_display = ("activity", "year", "cost_type", "amount")
    list_filter = ("activity__budget", "cost_type", "year")
    list_select_related = ("activity__budget",)


@admin.register(BudgetSeriesAmount)
class BudgetSeriesAmountAdmin(admin.ModelAdmin):
    list_display = ("series", "year", "amount")
    list_filter = ("series",)
    list_select_related = ("series",)


@admin.register(MultiYearActivity)
class MultiYearActivityAdmin(admin.ModelAdmin):
    list_display = ("name", "budget", "order")
    list_filter = ("budget",)
    list_select_related = ("budget",)
