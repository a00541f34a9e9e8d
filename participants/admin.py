from django.contrib import admin

from participants.models import Participant, Trajectory


class TrajectoryInline(admin.TabularInline):
    model = Trajectory
    extra = 0
    fields = (
        "project",
        "municipality_at_start",
        "enrolment_date",
        "start_date",
        "end_date",
        "outcome",
    )
    autocomplete_fields = ("project",)


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "date_of_birth", "municipality", "client_number")
    list_filter = ("municipality", "benefit_type", "is_refugee")
    list_select_related = ("municipality",)
    search_fields = ("last_name", "first_name", "client_number")
    inlines = [TrajectoryInline]


@admin.register(Trajectory)
class TrajectoryAdmin(admin.ModelAdmin):
    list_display = (
        "participant",
        "project",
        "municipality_at_start",
        "enrolment_date",
        "start_date",
        "end_date",
        "outcome",
    )
    list_filter = ("project", "municipality_at_start", "outcome")
    list_select_related = ("participant", "project", "municipality_at_start")
    search_fields = (
        "participant__last_name",
        "participant__first_name",
        "participant__client_number",
    )
    date_hierarchy = "start_date"
    autocomplete_fields = ("participant", "project", "cohort")
