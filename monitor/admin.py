from django.contrib import admin

from monitor.models import Edition, EditionText, Story, TrafficLightOverride
from waw.admin import ReadOnlyAdminMixin


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Editions change only through the monitor pages, which refuse changes once published."""


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
