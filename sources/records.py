"""Building blocks that every tracked record of the desk shares.

Both apps use them: history with a 64-bit id, timestamps an import can keep and that survive
a round trip through JSON, natural keys (``sources.natural_keys``), slugs, choice fields that
the database itself checks, and the lookups and counts that large tables need.
"""

import contextlib
import datetime
import functools

from django.db import models
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from .history_chain import ChainedHistoryManager
from .natural_keys import NaturalKeyManager, NaturalKeyMethod


class TrackedHistoryManager(ChainedHistoryManager):
    """simple-history's manager (chaining bulk-written rows, sources/history_chain.py), whose
    class is built once per queryset class.

    ``record.history`` builds its manager's class anew on every access (``from_queryset``
    inspects every queryset method), and every save and every page that reads history
    asks for it: about half a millisecond each time, for the same class.
    """

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


def tracked_history(**options):
    """History for a model, with a 64-bit id so large desks never run out of rows, each row
    chained to the one before (sources/history_chain.py)."""
    return HistoricalRecords(
        history_id_field=models.BigAutoField(), history_manager=TrackedHistoryManager, **options
    )


def written_fields(model):
    """The fields a row of ``model`` is written with: the database computes generated ones
    (a stored search vector) from the others."""
    return [field for field in model._meta.concrete_fields if not field.generated]


def to_the_millisecond(moment):
    """``moment`` to the millisecond, the precision of Django's JSON fixtures.

    Finer times do not survive a dump: 09:00:00.000456 dumps as "09:00:00.000Z", imports as
    09:00:00 and then dumps as "09:00:00Z", so a dump would not import back to itself.
    """
    if moment.microsecond % 1000:
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    return moment


def choices_constraint(field, choices, *, allow_blank=False):
    """A CHECK constraint holding ``field`` to the values of a ``TextChoices`` class."""
    values = list(choices.values) + ([""] if allow_blank else [])
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": values}),
        name=f"%(app_label)s_%(class)s_{field}_valid",
        violation_error_message=f"{field} must be one of: {', '.join(choices.values)}.",
    )


def end_after_start_constraint(start="start_date", end="end_date"):
    return models.CheckConstraint(
        condition=models.Q(**{f"{start}__isnull": True})
        | models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=f"%(app_label)s_%(class)s_{end}_after_{start}",
        violation_error_message="The end date cannot be before the start date.",
    )


class ArrayParameter:
    """``IN``, sent to PostgreSQL as one array parameter rather than thousands of them.

    psycopg parses a query's placeholders in Python, and Django prepares each value: for
    8,000 ids that cost 100 ms against 13 ms for the query. The array has the column's own
    type: PostgreSQL hashes it for a row-by-row test only when both sides share a hash
    function, and psycopg would send small ids as ``smallint``. Elsewhere, Django's ``IN``.
    Give it a set or a list of the column's values, converted already.
    """

    lookup_name = "any_of"
    prepare_rhs = False  # the values are the column's already; Django would convert each

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        array_type = self.lhs.output_field.db_type(connection)
        return f"{lhs} = ANY(%s::{array_type}[])", (*lhs_params, list(self.rhs))


@models.Field.register_lookup
class AnyOf(ArrayParameter, In):
    pass


@models.ForeignObject.register_lookup
class RelatedAnyOf(ArrayParameter, RelatedIn):
    def get_prep_lookup(self):
        return self.rhs  # primary keys already: RelatedIn would normalise each


class RowCount(models.Subquery):
    """How many rows a correlated queryset has, computed for each listed row only.

    ``Count()`` over a join aggregates the whole table before the list takes its page; this
    counts for the hundred rows on the page. Use with ``OuterRef("pk")`` in the queryset.
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = models.IntegerField()

    def __init__(self, queryset, **extra):
        super().__init__(queryset.order_by().values("pk"), **extra)


class TimestampedModel(models.Model):
    """A record of the desk: created and updated times that an import may carry over from its
    file, and a natural key.

    ``auto_now`` would overwrite a fixture's timestamps on every save; instead ``save()``
    stamps ``updated_at`` unless the caller set ``_keep_timestamps`` (as importers do), and
    keeps every time to the millisecond. Each model names the fields of its natural key in
    ``natural_key_fields``, and its manager finds a row by it.
    """

    natural_key_fields = ()
    natural_key = NaturalKeyMethod()
    # A link row names the foreign key to the record it belongs to (a citation, its claim):
    # it is added, changed, removed and restored under that record's rules.
    record_field = None

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not getattr(self, "_keep_timestamps", False):
            self.updated_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        self._times_to_the_millisecond()
        super().save(*args, **kwargs)

    def reason_required_for(self, changed_fields):
        """Why a change to these fields must give a reason, or "" when it need not."""
        return ""

    def editorial_refusal(self, user, changes):
        """Why ``user`` may not make these changes (field name to new value), or "".

        A link row may be changed by whoever may change its record, before the change and
        after it (a row moved to another record changes both).
        """
        if self.record_field is None:
            return ""
        for record in self.records_concerned(changes):
            refusal = record.editorial_refusal(user, {})
            if refusal:
                return refusal
        return ""

    def records_concerned(self, changes=None):
        """The record a link row belongs to, and the one ``changes`` would move it to."""
        field = self._meta.get_field(self.record_field)
        records = []
        # A past version's record may be deleted since.
        with contextlib.suppress(field.related_model.DoesNotExist):
            if getattr(self, field.attname) is not None:
                records.append(getattr(self, field.name))
        new = (changes or {}).get(self.record_field)
        if new is not None and not isinstance(new, models.Model):
            new = field.related_model._base_manager.filter(pk=new).first()
        if new is not None and new.pk != getattr(self, field.attname):
            records.append(new)
        return records

    def _times_to_the_millisecond(self):
        for model_field in written_fields(self):
            value = getattr(self, model_field.attname)
            if isinstance(value, datetime.datetime):
                setattr(self, model_field.attname, to_the_millisecond(value))


class SluggedModel(TimestampedModel):
    """A record whose slug is its natural key, filled in from ``slug_source`` when blank."""

    natural_key_fields = ("slug",)
    slug_source = "title"
    slug_max_length = 80

    slug = models.SlugField(
        max_length=120,
        unique=True,
        blank=True,
        help_text="Stable identifier used in URLs and fixtures. Filled in when left blank.",
    )

    objects = NaturalKeyManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug(getattr(self, self.slug_source))
        super().save(*args, **kwargs)

    @classmethod
    def unique_slug(cls, text):
        base = slugify(text)[: cls.slug_max_length].strip("-") or cls._meta.model_name
        slug, suffix = base, 2
        while cls._default_manager.filter(slug=slug).exists():
            slug, suffix = f"{base}-{suffix}", suffix + 1
        return slug
