"""Import runs: the audit record of each fixture import, which its history rows name."""

import re
import uuid

from django.conf import settings
from django.db import models

from sources.natural_keys import NaturalKeyManager, NaturalKeyMethod
from sources.records import choices_constraint, tracked_history

# How an import's history rows begin: "Import run #12", then the editor's words after ": ".
RUN_MARK = re.compile(r"^Import run #\d+(: |$)")


def editors_words(change_reason):
    """A history row's reason as the editor gave it: an import's without the run it names
    (readers see the words, never the desk's bookkeeping)."""
    return RUN_MARK.sub("", change_reason or "", count=1)


class ImportChannel(models.TextChoices):
    COMMAND = "command", "manage.py import_fixtures"
    ADMIN = "admin", "Admin upload"


class ImportRun(models.Model):
    """Who imported which files, when and why, and what it created, changed or left alone.

    Written by the import service only, in the import's own transaction: a failed import
    leaves no run behind. Every history row the run writes names it in its change reason.
    """

    Channel = ImportChannel
    natural_key_fields = ("uid",)
    natural_key = NaturalKeyMethod()

    uid = models.UUIDField("run ID", default=uuid.uuid4, unique=True, editable=False)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who ran it; blank for a command run without --user.",
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    reason = models.TextField(blank=True)
    files = models.JSONField(
        default=list, help_text="Each file as imported: name, SHA-256 and number of objects."
    )
    counts = models.JSONField(
        default=dict, help_text="Per model: how many objects were created, updated, unchanged."
    )
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    objects = NaturalKeyManager()
    history = tracked_history()

    class Meta:
        ordering = ["-started_at"]
        default_permissions = ["view"]
        permissions = [("run_import", "Can import fixture files")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True)
                | models.Q(finished_at__gte=models.F("started_at")),
                name="talks_importrun_finished_after_started",
                violation_error_message="An import run cannot finish before it started.",
            ),
            choices_constraint("channel", ImportChannel),
        ]

    def __str__(self):
        names = ", ".join(file["name"] for file in self.files) or "no file"
        return f"Import run #{self.pk}: {names} ({self.started_at:%d %b %Y %H:%M})"

    def change_reason(self, words=""):
        """The reason of each history row the run writes: the run, and the editor's words
        (``editors_words`` gives them back). The files and their hashes are on the run."""
        return f"Import run #{self.pk}: {words}" if words else f"Import run #{self.pk}"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None
