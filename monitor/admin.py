from django.contrib import admin

from monitor.models import Edition, EditionText, Story, TrafficLightOverride


class ReadOnlyAdmin(admin.ModelAdmin):
    """Editions change only through the monitor pages, which refuse changes once published."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Edition)
class EditionAdmin(ReadOnlyAdmin):
    list_display = ("period", "published_at", "published_by")
    search_fields = ("period",)


@admin.register(EditionText)
class EditionTextAdmin(ReadOnlyAdmin):
    list_display = ("edition", "project")
    list_select_related = ("edition", "project")


@admin.register(TrafficLightOverride)
class TrafficLightOverrideAdmin(ReadOnlyAdmin):
    list_display = ("edition", "project", "colour", "reason")
    list_select_related = ("edition", "project")


@admin.register(Story)
class StoryAdmin(ReadOnlyAdmin):
    list_display = ("edition", "name", "project", "consent_given")
    list_select_related = ("edition", "project")
