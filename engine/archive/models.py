"""The PDF of a published result version, kept in the person's record. A document is
written once: a correction publishes a new version, which gets a document of its own,
and the earlier one stays as it was (its file and its sha256). Within a version, each
signature given after a form was kept (the employee's acknowledgement or decline)
makes a new edition listing it; the editions before stay as they were."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def _document_path(instance, filename: str) -> str:
    return f"archive/{instance.company_id}/{instance.appraisal_id}/{filename}"


class AppraisalDocument(models.Model):
    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    appraisal = models.ForeignKey(
        "appraisals.Appraisal", on_delete=models.PROTECT, related_name="documents"
    )
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        "appraisals.ResultVersion", on_delete=models.PROTECT, related_name="documents"
    )
    number = models.PositiveIntegerField()  # the result version's number
    # 1, 2, …: a new edition of the version's form when a signature was added to it
    edition = models.PositiveSmallIntegerField(default=1)
    # the signatures the edition lists: how many, and the fingerprint of which
    # (engine/archive/selectors.py, signatures_key); "" for none
    signatures = models.PositiveSmallIntegerField(default=0)
    signed_key = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=10, choices=Language.choices)
    file = models.FileField(upload_to=_document_path, max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    pages = models.PositiveSmallIntegerField()
    # the publication event the form cites, and the signed checkpoint that covers it
    publish_hash = models.CharField(max_length=64, blank=True)
    checkpoint_seq = models.BigIntegerField(null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField()
    generation_ms = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "number", "language", "edition"],
                name="document_once_per_edition",
            )
        ]
        ordering = ["appraisal", "number", "language", "edition"]

    def __str__(self) -> str:
        return (
            f"form of appraisal {self.appraisal_id} v{self.number}"
            f" edition {self.edition} ({self.language})"
        )
