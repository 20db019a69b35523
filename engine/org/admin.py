"""Admin for the organisation. Saves go through the audited service so that an
admin's edit is validated and traced like any other change."""

from django.contrib import admin

from .models import CalendarOverride, Company, CompanyRole, Department, Employee, Position
from .services import audited_save


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        audited_save(obj, actor=request.user, role="admin", validate=False)

    def has_delete_permission(self, request, obj=None):
        # Organisation rows are referenced by appraisals and the audit trail:
        # people leave (status), they are never deleted.
        return False


@admin.register(Company)
class CompanyAdmin(AuditedAdmin):
    list_display = ("code", "name", "country", "time_zone")
    search_fields = ("code", "name")


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("code", "name", "company", "parent", "head")
    list_filter = ("company",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "head")


@admin.register(Position)
class PositionAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en", "company")
    list_filter = ("company",)


@admin.register(Employee)
class EmployeeAdmin(AuditedAdmin):
    list_display = ("number", "name", "company", "department", "position", "supervisor", "status")
    list_filter = ("company", "status", "department")
    search_fields = ("number", "name", "user__username")
    raw_id_fields = ("user", "supervisor", "department", "position")


@admin.register(CompanyRole)
class CompanyRoleAdmin(AuditedAdmin):
    list_display = ("user", "role", "company")
    list_filter = ("company", "role")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedAdmin):
    list_display = ("company", "date", "kind", "note")
    list_filter = ("company", "kind")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
