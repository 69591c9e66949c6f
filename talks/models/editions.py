"""The public pages' clocks: the edition, which an import moves on for every page, and the
stamps of the tags a write changed, which make only the pages showing them stale
(``talks.page_tags``).

Both live in the database that the writes themselves go to, so every server process sees
them at once, whatever cache it has. They are not desk data: they record nothing an editor
wrote, so they have no history, no admin and no place in fixtures. The history of a write is
in the history of what was written.
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
    """A write that sends no signals (the importer's COPY) starts a new edition: every page.

    Once the write commits, and once per transaction: a long import holds no lock on the
    edition row that every other editor's save would wait for. A page rendered between the
    commit and the new edition shows the new data under the old number, which is harmless.
    """
    connection = transaction.get_connection(using)
    if not any(callback is _new_edition for _, callback, _ in connection.run_on_commit):
        transaction.on_commit(_new_edition, using=using, robust=True)


def _new_edition():
    from .. import edge_cache  # the edge drops every page too

    Edition.advance()
    edge_cache.ban()


class PageStamp(models.Model):
    """When the records a tag names last changed on the public pages: ``stamp`` is the page
    clock's reading (``talks.page_tags``), doubled, plus one when the change took something
    off the public pages."""

    tag = models.CharField(max_length=200, primary_key=True)
    stamp = models.BigIntegerField(db_index=True)

    def __str__(self):
        return f"{self.tag} at {self.stamp >> 1}"


class PendingStamp(models.Model):
    """A tag a write changed, written in the write's own transaction and removed when the
    write's stamp is made after its commit: while it is here, every page with the tag is
    stale, so a change whose stamp failed is never served from the cache. ``stamp`` is
    negative: -1 when the change took something off the public pages, else -2."""

    tag = models.CharField(max_length=200, db_index=True)
    stamp = models.SmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.tag}, pending since {self.created_at:%H:%M:%S}"
