"""A quarterly report's PDF made by a worker. The product keeps no file besides its database:
the PDF's bytes stay in the row until it expires, and a beat task deletes expired rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportFile(models.Model):
    """One reader's PDF of a cycle's report for a scope, in their language: private titles
    are masked by who reads, so a PDF is never shared between readers."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_files"
    )
    cycle = models.ForeignKey("okrapp.Cycle", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("okrapp.Team", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # 0–100, shown while it runs
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("report PDF")
        verbose_name_plural = _("report PDFs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.cycle} / {self.team} ({self.status})"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED
