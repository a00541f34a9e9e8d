import copy

from django import forms
from django.contrib import admin

from participants import services
from participants.models import Participant, Referral, Trajectory, TrajectoryChange
from waw.admin import ReadOnlyAdminMixin


class TrajectoryInline(admin.TabularInline):
    """Read-only here: trajectories change through their own page, which records history."""

    model = Trajectory
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = (
        "project",
        "municipality_at_start",
        "enrolment_date",
        "start_date",
        "end_date",
        "outcome",
    )

    def has_add_permission(self, request, obj=None):
        return False


class ParticipantAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        probe = copy.copy(self.instance)
        for field in ("first_name", "last_name", "date_of_birth"):
            setattr(probe, field, data.get(field) or getattr(probe, field))
        if probe.date_of_birth:
            probe.validate_identity()
        return data


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    form = ParticipantAdminForm
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

    def save_model(self, request, obj, form, change):
        # Through the services, so the admin leaves the same history as the pages do.
        if change:
            original = Trajectory.objects.get(pk=obj.pk)
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            services.trajectory_update(user=request.user, trajectory=original, **changes)
        else:
            services.trajectory_enrol(user=request.user, trajectory=obj)


@admin.register(TrajectoryChange)
class TrajectoryChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The history is written by the services only; here it can be read, not changed."""

    list_display = ("changed_at", "trajectory", "field", "old_value", "new_value", "changed_by")
    list_filter = ("field",)
    list_select_related = ("trajectory__participant", "trajectory__project", "changed_by")
    search_fields = ("trajectory__participant__last_name", "field")
    date_hierarchy = "changed_at"


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Referrals are submitted, placed, declined and withdrawn through their pages (services
    with their rules and the audit trail); here they can be read, not changed."""

    list_display = ("created_at", "last_name", "first_name", "municipality", "project", "status")
    list_filter = ("status", "municipality")
    list_select_related = ("municipality", "project")
    search_fields = ("last_name", "first_name", "client_number")
    date_hierarchy = "created_at"
