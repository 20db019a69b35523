from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only, also here."""

    list_display = (
        "chain",
        "seq",
        "at",
        "actor_label",
        "role",
        "action",
        "object_type",
        "object_id",
    )
    list_filter = ("action", "object_type", "role")
    search_fields = ("object_id", "actor_label", "reason")
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
