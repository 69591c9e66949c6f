"""Suggestion runs: each run of the suggestion rules, queued, running, done or failed."""

import re

from django.conf import settings
from django.db import models
from django.utils import timezone

from sources.records import choices_constraint


class SuggestionRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


UNFINISHED = [SuggestionRunStatus.QUEUED, SuggestionRunStatus.RUNNING]


class SuggestionRunQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=UNFINISHED)

    def done(self):
        return self.filter(status=SuggestionRunStatus.DONE)


class SuggestionRun(models.Model):
    """One run of the rules, from the admin's button or the schedule, and what it found.

    A log of runs, not desk data: the suggestions a run writes keep their own history, and a
    run's row only moves from queued to running to done or failed. The admin's list and the
    desk home show the latest.
    """

    Status = SuggestionRunStatus

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who asked for the run; blank for the scheduled one without --user.",
    )
    reason = models.TextField(blank=True, help_text="Stored in the suggestions' history.")
    full = models.BooleanField(
        default=False,
        help_text="Over the whole desk; else over what changed since the last run (when "
        "there is one and no import came in since).",
    )
    looked_at = models.PositiveIntegerField(
        null=True, blank=True, help_text="Claims an incremental run looked at again."
    )
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(
        max_length=64, blank=True, help_text="The background task running it, if queued."
    )
    found = models.PositiveIntegerField(
        null=True, blank=True, help_text="Pairs of claims the rules found, flagged ones aside."
    )
    summary = models.TextField(blank=True, help_text="What the run added, refreshed, withdrew.")
    skipped = models.JSONField(
        default=list, blank=True, help_text="Checks this database cannot run, and why."
    )
    error = models.TextField(blank=True, help_text="Why the run failed: nothing it did was kept.")

    objects = SuggestionRunQuerySet.as_manager()

    class Meta:
        ordering = ["-queued_at", "-pk"]
        default_permissions = ["view"]
        constraints = [choices_constraint("status", SuggestionRunStatus)]

    def __str__(self):
        return f"Suggestion run #{self.pk} ({self.get_status_display().lower()})"

    @property
    def error_line(self):
        return error_line(self.error)


def error_line(error):
    """A traceback's last line, the exception's name and its message, for the pages."""
    lines = [line for line in error.strip().splitlines() if line.strip()]
    return re.sub(r"^[\w.]+\.(?=\w+: )", "", lines[-1]) if lines else ""
