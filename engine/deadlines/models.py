"""The fields every step with a deadline carries — an appraisal's steps and an
appeal's alike — so one sweep treats both the same way."""

from django.conf import settings
from django.db import models


class HeldStep(models.Model):
    """A step held by one person (`assignee`) or by a company role (`holder_role`),
    with its due moment, the two reminder moments, and the sweep's stamps."""

    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=16)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder_role = models.CharField(max_length=10, blank=True)
    due_date = models.DateField()
    due_at = models.DateTimeField()
    remind_before_at = models.DateTimeField()
    remind_due_at = models.DateTimeField()
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_due_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
