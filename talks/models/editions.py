"""The edition of the public pages: a number that every write to desk data moves on.

The public pages are cached per edition, so a change to anything a page shows (a claim, a
citation, a source, a person, a meeting, a contradiction) makes every cached page stale at
once, in every server process, because the number lives in the database that the write
itself goes to.

This is not desk data: it records nothing an editor wrote, so it has no history, no admin
and no place in fixtures. The history of a write is in the history of what was written.
"""

from django.db import connections, models, router, transaction
from django.utils import timezone

EDITION_ROW = 1
CURRENT_SQL = "SELECT number, changed_at FROM {table} WHERE id = %s"


class Edition(models.Model):
    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pk=EDITION_ROW),
                name="talks_edition_single_row",
                violation_error_message="There is one edition row.",
            ),
        ]

    def __str__(self):
        return f"Edition {self.number} of {self.changed_at:%d %b %Y %H:%M:%S}"

    @classmethod
    def current(cls):
        """The edition now, or edition 0 before the first write.

        Every public request asks, so it is one primary-key read in plain SQL on a cursor:
        compiling the ORM's query, or even a raw queryset, costs more than the read itself.
        """
        connection = connections[router.db_for_read(cls)]
        with connection.cursor() as cursor:
            cursor.execute(CURRENT_SQL.format(table=cls._meta.db_table), [EDITION_ROW])
            row = cursor.fetchone()
        if row is None:
            return cls(pk=EDITION_ROW)
        number, changed_at = row
        if timezone.is_naive(changed_at):  # SQLite keeps the time without its zone
            changed_at = timezone.make_aware(changed_at, connection.timezone)
        return cls(pk=EDITION_ROW, number=number, changed_at=changed_at)

    @classmethod
    def advance(cls):
        """Move on to a new edition: one short UPDATE; two writers never share a number."""
        row = cls.objects.filter(pk=EDITION_ROW)
        if not row.update(number=models.F("number") + 1, changed_at=timezone.now()):
            _, created = cls.objects.get_or_create(pk=EDITION_ROW, defaults={"number": 1})
            if not created:  # another writer made the row first
                row.update(number=models.F("number") + 1, changed_at=timezone.now())


def advance_edition(sender, using=None, **kwargs):
    """Signal receiver: any saved or deleted record of the desk starts a new edition.

    Once the write commits, and once per transaction: a long import holds no lock on the
    edition row that every other editor's save would wait for. A page rendered between the
    commit and the new edition shows the new data under the old number, which is harmless.
    """
    connection = transaction.get_connection(using)
    if not any(callback is _new_edition for _, callback, _ in connection.run_on_commit):
        transaction.on_commit(_new_edition, using=using, robust=True)


def _new_edition():
    Edition.advance()
