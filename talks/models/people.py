"""People, the spellings of their names, and the roles they held over time."""

import re

from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext

from sources.languages import Language
from sources.models import CitationBase
from sources.natural_keys import NaturalKeyManager
from sources.records import (
    SluggedModel,
    TimestampedModel,
    choices_constraint,
    end_after_start_constraint,
    tracked_history,
)

from ..language.spellings import spelled_keys, transliterations

WIKIDATA_ID_PATTERN = r"^Q[1-9][0-9]*$"
# A day as readers read it, in their language: "4 December 2025", "4 грудня 2025" (E is the
# month's name as a date uses it, where a language declines it).
LONG_DATE = "j E Y"


class Person(SluggedModel):
    slug_source = "name"

    name = models.CharField(max_length=200, help_text="The name as the desk writes it.")
    description = models.CharField(
        max_length=300, blank=True, help_text="One line: who this is, for editors and readers."
    )
    wikidata_id = models.CharField(
        "Wikidata ID",
        max_length=20,
        blank=True,
        validators=[RegexValidator(WIKIDATA_ID_PATTERN, "A Wikidata ID looks like Q123456.")],
        help_text="The person's Wikidata item, e.g. Q3874799.",
    )

    objects = NaturalKeyManager()
    history = tracked_history()

    class Meta:
        verbose_name_plural = "people"
        ordering = ["name"]
        # The admin's list and autocomplete order, its tie-breaker (-id) included.
        indexes = [models.Index(fields=["name", "-id"], name="talks_person_list_order")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wikidata_id="")
                | models.Q(wikidata_id__regex=WIKIDATA_ID_PATTERN),
                name="talks_person_wikidata_id_valid",
                violation_error_message="A Wikidata ID looks like Q123456.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            PersonNameKey.objects.write_for(self, None, self.name)

    def get_absolute_url(self):
        return reverse("public:person", args=[self.slug])

    def proposed_spellings(self):
        """(spelling, language) of the Latin spellings of the person's Cyrillic names that are
        not recorded yet, not even as words of a longer name: the official transliterations,
        for an editor to accept as other names (never added by themselves)."""
        aliases = list(self.aliases.all())
        recorded = [self.name, *(alias.name for alias in aliases)]

        def is_recorded(spelling):
            whole_words = re.compile(rf"(?<!\w){re.escape(spelling)}(?!\w)", re.IGNORECASE)
            return any(whole_words.search(name) for name in recorded)

        proposed = {}
        for name, language in [(self.name, ""), *((a.name, a.language) for a in aliases)]:
            for spelling in transliterations(name, language if language in ("uk", "ru") else None):
                if not is_recorded(spelling):
                    proposed.setdefault(spelling, Language.EN)
        return list(proposed.items())

    @property
    def wikidata_url(self):
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""


class AliasKind(models.TextChoices):
    SPELLING = "spelling", "Alternative spelling"
    TRANSLITERATION = "transliteration", "Transliteration"
    NATIVE = "native", "Native script"
    SHORT = "short", "Short form or nickname"


class PersonAlias(TimestampedModel):
    """Another way the person's name is written: a spelling, a transliteration, a script."""

    Kind = AliasKind
    natural_key_fields = ("person", "name")
    record_field = "person"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SPELLING)
    language = models.CharField(
        max_length=12,
        choices=Language.choices,
        blank=True,
        help_text="The language this spelling is used in.",
    )

    objects = NaturalKeyManager()
    history = tracked_history()

    class Meta:
        verbose_name = "other name"
        ordering = ["person", "name"]
        constraints = [
            models.UniqueConstraint(
                "person",
                Lower("name"),
                name="talks_personalias_unique",
                violation_error_message="This person already has that name.",
            ),
            choices_constraint("kind", AliasKind),
            choices_constraint("language", Language, allow_blank=True),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            PersonNameKey.objects.write_for(self.person, self, self.name)


class PersonNameKeyQuerySet(models.QuerySet):
    def write_for(self, person, alias, name):
        """The keys of ``name``, the person's own (``alias`` None) or one other name's, in
        place of the ones it had."""
        owned = self.filter(alias=alias) if alias else self.filter(person=person, alias=None)
        owned.delete()
        self.bulk_create(
            PersonNameKey(person=person, alias=alias, key=key, spelling=spelling)
            for key, spelling in spelled_keys(name)
        )

    def rebuild(self, person_ids, alias_ids=()):
        """Every key of these people and of the owners of these other names, from their names
        as they stand: for writes that bypass ``save()`` (the fixture import's COPY)."""
        owners = PersonAlias.objects.filter(pk__any_of=set(alias_ids)) if alias_ids else None
        owner_ids = owners.values_list("person_id", flat=True) if owners is not None else []
        person_ids = {*person_ids, *owner_ids}
        if not person_ids:
            return
        self.filter(person_id__any_of=person_ids).delete()
        people = Person.objects.filter(pk__any_of=person_ids).values_list("pk", "name")
        aliases = PersonAlias.objects.filter(person_id__any_of=person_ids)
        names = [
            *((pk, None, name) for pk, name in people),
            *aliases.values_list("person_id", "pk", "name"),
        ]
        self.bulk_create(
            (
                PersonNameKey(person_id=person_id, alias_id=alias_id, key=key, spelling=spelling)
                for person_id, alias_id, name in names
                for key, spelling in spelled_keys(name)
            ),
            batch_size=5000,
        )


class PersonNameKey(models.Model):
    """A key under which the person is found: of a word of their name or of one of their other
    names, or of the whole name (``talks.language.spellings``), with the spelling it comes
    from. Derived from the names, so neither in history nor in fixtures; written with the
    name on every save, and deleted with it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    alias = models.ForeignKey(
        PersonAlias, on_delete=models.CASCADE, null=True, related_name="name_keys"
    )
    key = models.CharField(max_length=400)
    spelling = models.CharField(max_length=200)

    objects = PersonNameKeyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["key", "person"], name="talks_person_name_key")]

    def __str__(self):
        return f"{self.key} ({self.spelling})"


class RoleQuerySet(models.QuerySet):
    def held_on(self, day):
        """Roles held on ``day``; an open start or end counts as covering it."""
        return self.filter(
            models.Q(start_date__isnull=True) | models.Q(start_date__lte=day),
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day),
        )


class Role(TimestampedModel):
    """An office or function a person held for a time, on someone's behalf where it matters."""

    natural_key_fields = ("person", "title", "start_date")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=200, help_text="e.g. Secretary of State.")
    organisation = models.CharField(
        max_length=200, blank=True, help_text="Organisation or country, e.g. United States."
    )
    on_behalf_of = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="represented_by_roles",
        help_text="Whom the person acts for in this role, e.g. an envoy's president.",
    )
    start_date = models.DateField(null=True, blank=True, help_text="Blank when not known.")
    end_date = models.DateField(null=True, blank=True, help_text="Blank while ongoing.")
    note = models.CharField(max_length=300, blank=True)

    objects = NaturalKeyManager.from_queryset(RoleQuerySet)()
    history = tracked_history()

    class Meta:
        ordering = ["person", "-start_date"]
        constraints = [
            end_after_start_constraint(),
            models.UniqueConstraint(
                "person",
                "title",
                Coalesce("start_date", models.Value("0001-01-01", models.DateField())),
                name="talks_role_unique_start",
                violation_error_message="This person already has this role from that date.",
            ),
            models.CheckConstraint(
                condition=~models.Q(on_behalf_of=models.F("person")),
                name="talks_role_not_on_own_behalf",
                violation_error_message="A person does not act on their own behalf in a role.",
            ),
        ]

    def __str__(self):
        where = f", {self.organisation}" if self.organisation else ""
        return f"{self.person}: {self.title}{where} ({self.period})"

    @property
    def period_label(self):
        """The period for readers: "20 January 2025 – today", "until 20 January 2025"."""
        start = format_date(self.start_date, LONG_DATE) if self.start_date else ""
        end = format_date(self.end_date, LONG_DATE) if self.end_date else ""
        if start:
            return f"{start} – {end}" if end else gettext("%(date)s – today") % {"date": start}
        return gettext("until %(date)s") % {"date": end} if end else gettext("dates not known")

    @property
    def period(self):
        start = self.start_date.isoformat() if self.start_date else "?"
        end = self.end_date.isoformat() if self.end_date else "now"
        return f"{start} – {end}"


class RoleCitation(CitationBase):
    """A source that establishes a role."""

    natural_key_fields = ("role", "source")
    record_field = "role"

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="citations")

    objects = NaturalKeyManager()
    history = tracked_history()

    class Meta:
        verbose_name = "role source"
        ordering = ["role", "source"]
        constraints = [
            *CitationBase.Meta.constraints,
            models.UniqueConstraint(
                fields=["role", "source"],
                name="talks_rolecitation_unique",
                violation_error_message="The role already cites this source.",
            ),
        ]
