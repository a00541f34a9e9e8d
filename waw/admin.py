from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from waw.models import Job, Municipality, User


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_central", "oin")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "municipality",
        "role_list",
        "is_active",
    )
    list_filter = ("groups", "municipality", "is_active", "is_superuser")
    list_select_related = ("municipality",)
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Gemeente"), {"fields": ("municipality",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("rollen"))
    def role_list(self, obj):
        return ", ".join(group.name for group in obj.groups.all())


class ReadOnlyAdminMixin:
    """For records that only services write (issued documents, history, published editions):
    the admin may show them, never add, change or delete them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Background jobs (waw/jobs.py): to look into one, never to change it."""

    list_display = ("pk", "kind", "status", "user", "created_at", "finished_at", "done", "total")
    list_filter = ("kind", "status")
    list_select_related = ("user",)
