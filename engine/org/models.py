"""Companies, departments (a tree), positions, employees, company roles and the
working-day overrides of each company's calendar.

Invariants that span rows (no cycles, one company per person) are checked in `clean()`
so the admin, the services and the demo loader all refuse the same bad input.
"""

from __future__ import annotations

import zoneinfo

import holidays as holidays_lib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _valid_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("unknown time zone %(tz)s"), params={"tz": value}) from exc


def _valid_country(value: str) -> None:
    if value not in holidays_lib.list_supported_countries():
        raise ValidationError(_("no holiday calendar for country %(c)s"), params={"c": value})


class Company(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(
        max_length=64, default="Asia/Shanghai", validators=[_valid_time_zone]
    )
    country = models.CharField(max_length=2, default="CN", validators=[_valid_country])
    # policies.md §4.1: a department too small for a capped grade is calibrated with its
    # parent; HR may switch this off for the company.
    calibration_pooling = models.BooleanField(
        default=True, verbose_name=_("pool small departments in calibration")
    )

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_company_id(self) -> int:
        return self.pk


class Department(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="departments")
    code = models.SlugField(max_length=40)
    # `name` is the department's Chinese name (its name of record); `name_en` is what
    # English readers see, and falls back to `name` when nobody has given one.
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True, default="")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    head = models.ForeignKey(
        "Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="heads"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="department_code_per_company")
        ]
        ordering = ["company", "code"]

    def __str__(self) -> str:
        return self.local_name

    @property
    def name_zh(self) -> str:
        """The Chinese name, under the name pack items use (see labels.name)."""
        return self.name

    @property
    def local_name(self) -> str:
        """The name in the reader's language: never both languages side by side."""
        english = (get_language() or "zh-hans").startswith("en")
        return (self.name_en or self.name) if english else self.name

    def ancestors(self) -> list[Department]:
        """Parents up to the root; stops on a cycle so bad data can still be shown."""
        seen, out, node = {self.pk}, [], self.parent
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            out.append(node)
            node = node.parent
        return out

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.parent_id:
            if self.parent.company_id != self.company_id:
                errors["parent"] = "the parent department belongs to another company"
            else:
                node, seen = self.parent, set()
                while node is not None:
                    if node.pk == self.pk and self.pk is not None:
                        errors["parent"] = "this parent would make a cycle in the department tree"
                        break
                    if node.pk in seen:
                        break
                    seen.add(node.pk)
                    node = node.parent
        if self.head_id and self.head.company_id != self.company_id:
            errors["head"] = "the department head works for another company"
        if errors:
            raise ValidationError(errors)


class Position(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="positions")
    code = models.SlugField(max_length=40)
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="position_code_per_company")
        ]
        ordering = ["company", "code"]

    def __str__(self) -> str:
        return f"{self.name_zh} / {self.name_en}"


class Employee(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        LEFT = "left", _("left")

    # One-to-one: a person works for exactly one company of this installation.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employee"
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="employees")
    number = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="employees")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="employees")
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    hire_date = models.DateField()
    # The language of the person's e-mails (the one they last chose on the pages);
    # empty: the installation's default.
    language = models.CharField(max_length=10, blank=True, default="")
    trial_end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="employee_number_per_company"
            )
        ]
        indexes = [models.Index(fields=["company", "status"], name="employee_company_status")]
        ordering = ["company", "number"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.department_id and self.department.company_id != self.company_id:
            errors["department"] = "the department belongs to another company"
        if self.position_id and self.position.company_id != self.company_id:
            errors["position"] = "the position belongs to another company"
        if self.user_id:
            other = Employee.objects.filter(user_id=self.user_id).exclude(pk=self.pk).first()
            if other is not None:
                errors["user"] = (
                    f"this person is already an employee of {other.company.code}; "
                    "one person works for one company"
                )
        if self.supervisor_id:
            sup = self.supervisor
            if sup.company_id != self.company_id:
                errors["supervisor"] = "the supervisor works for another company"
            elif self.pk is not None:
                node, seen = sup, set()
                while node is not None and node.pk not in seen:
                    if node.pk == self.pk:
                        errors["supervisor"] = "this supervisor would make a cycle of supervisors"
                        break
                    seen.add(node.pk)
                    node = node.supervisor
        if self.trial_end_date and self.hire_date and self.trial_end_date < self.hire_date:
            errors["trial_end_date"] = "the trial cannot end before the hire date"
        if self.status == self.Status.LEFT and not self.left_on:
            errors["left_on"] = "a leaver needs the date they left"
        if errors:
            raise ValidationError(errors)


class CompanyRole(models.Model):
    """A company-wide role held by a user: HR, GM, board member or auditor."""

    class Role(models.TextChoices):
        HR = "hr", _("HR")
        GM = "gm", _("general manager")
        BOARD = "board", _("board member")
        AUDITOR = "auditor", _("auditor")

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="company_roles"
    )
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "user", "role"], name="company_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} @ {self.company.code}"

    def clean(self) -> None:
        # Auditors may audit several companies; every other role is held by staff.
        if self.role != self.Role.AUDITOR and self.user_id and self.company_id:
            emp = Employee.objects.filter(user_id=self.user_id).first()
            if emp is not None and emp.company_id != self.company_id:
                raise ValidationError(
                    {
                        "user": f"this person is an employee of {emp.company.code}, not of this company"
                    }
                )


class CalendarOverride(models.Model):
    """A company's own exception to the country calendar: an extra day off, or a
    make-up working day (调休上班) the library does not know."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("day off")
        WORKDAY = "workday", _("working day")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="calendar_overrides"
    )
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "date"], name="calendar_override_once")
        ]
        ordering = ["company", "date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class Delegation(models.Model):
    """A reviewer's steps handed to a deputy for a period: from `starts_on` to `ends_on`
    (inclusive, in the company's calendar) the deputy holds every step the reviewer
    holds, and reads those appraisals; the day after, it ends by itself."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="delegations")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_held"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["to_user", "ends_on"], name="delegation_deputy")]

    def __str__(self) -> str:
        return f"{self.from_user_id} → {self.to_user_id} {self.starts_on}…{self.ends_on}"

    def clean(self) -> None:
        if self.from_user_id and self.from_user_id == self.to_user_id:
            raise ValidationError({"to_user": "a reviewer cannot be their own deputy"})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "the period ends before it starts"})
