"""Judging, the third phase of an import: what becomes of each object, and whether it may.

An object the database holds with the same values is left alone; one whose values differ is
changed; one it does not hold is created, with the defaults of the fields the file leaves
out. The row to write is then checked against its model's own rules: ``clean()``, the
``Meta.constraints`` (``talks.exchange.constraints``) and the unique fields and constraints,
within the input and against the database; and each change, from the row as the database
holds it to the row to write, against the rulebook, as the admin's forms ask it
(``editorial_refusal`` and ``reason_required_for`` of the record).

A record's own times are the desk's: an existing row keeps its creation time, a change is
stamped now unless the file gives a later time than the row's, and a time that records a
step (a publication, a decision) is never moved back. Times alone are no change.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from sources.natural_keys import natural_key_of
from sources.records import TimestampedModel

from .constraints import Unique, compile_condition, only_field, referenced_fields
from .fixture_models import fixture_fields
from .read import MISSING, Entry, as_json, aware_to_the_millisecond, messages_of

QUERY_CHUNK = 5000  # values in one ``IN (...)``; SQLite takes at most 32,766


class ModelJudge:
    """The rules of one fixture model, as judging applies them to its rows."""

    def __init__(self, model):
        meta = model._meta
        self.model = model
        self.label = meta.label_lower
        self.fields = fixture_fields(model)
        self.attnames = [field.attname for field in self.fields]
        self.positions = {field.name: position for position, field in enumerate(self.fields)}
        # Field name -> its place in the row, and the label of the model a reference names.
        self.slots = {
            field.name: (
                position,
                field.related_model._meta.label_lower if field.is_relation else None,
            )
            for position, field in enumerate(self.fields)
        }
        self.required = [
            not (field.has_default() or field.null or (field.blank and field.empty_strings_allowed))
            for field in self.fields
        ]
        self.stamped_now = [field.default is timezone.now for field in self.fields]
        self.timestamped = issubclass(model, TimestampedModel)
        # The times every save writes (created, updated): differing alone, they are no change.
        self.bookkeeping = (
            {self.positions["created_at"], self.positions["updated_at"]}
            if self.timestamped
            else set()
        )
        # The times that record a step (published, resolved, decided): never moved back.
        self.step_times = [
            position
            for position, field in enumerate(self.fields)
            if isinstance(field, models.DateTimeField) and position not in self.bookkeeping
        ]
        self.plain = [
            (position, field.attname, isinstance(field, models.DateTimeField))
            for position, field in enumerate(self.fields)
            if not field.is_relation
        ]
        self.cleans = model.clean is not models.Model.clean
        self.checks = [
            (
                compile_condition(constraint.condition, self.positions),
                constraint.violation_error_message,
                only_field(referenced_fields(constraint.condition, self.positions)),
            )
            for constraint in meta.constraints
            if isinstance(constraint, models.CheckConstraint)
            and not self.restates_choices(constraint)
        ]
        unique_fields = [
            models.UniqueConstraint(
                fields=[field.name],
                name=f"{field.name}_unique",
                violation_error_message=(
                    f"A {meta.verbose_name} with this {field.verbose_name} already exists."
                ),
            )
            for field in meta.concrete_fields
            if field.unique and not field.primary_key
        ]
        key_fields = [field.name for field, _ in natural_key_of(model).parts]
        uniques = [
            Unique(constraint, self.positions, key_fields)
            for constraint in [*unique_fields, *meta.constraints]
            if isinstance(constraint, models.UniqueConstraint)
        ]
        # Two rows with the same natural key are one object: reading refused a second one.
        self.uniques = [unique for unique in uniques if not unique.is_natural_key]

    def restates_choices(self, constraint):
        """Whether a CHECK only holds a text field to its choices, which every value the
        file gives already met when it was read (the database still checks it)."""
        condition = constraint.condition
        if condition.negated or len(condition.children) != 1:
            return False
        child = condition.children[0]
        if isinstance(child, models.Q) or not child[0].endswith("__in"):
            return False
        position = self.positions.get(child[0].removesuffix("__in"))
        if position is None:
            return False
        field, allowed = self.fields[position], set(child[1])
        choices = {str(value) for value, _ in field.flatchoices}
        return (
            isinstance(field, models.CharField | models.TextField)  # reading checks choices
            and bool(choices)
            and choices <= allowed
            and (not field.blank or "" in allowed)
            and (not field.has_default() or field.get_default() in allowed)
        )

    def broken_checks(self, row):
        """(message, field) for each check constraint the row breaks; field is "" for several."""
        for holds, message, field in self.checks:
            if holds(row) is False:
                yield message, field


class Judge:
    """Decides, model by model, what becomes of each object, and checks the rows to write."""

    def __init__(self, result, resolver, now, *, user=None, reason=""):
        self.result = result
        self.resolver = resolver
        self.now = now
        self.user = user  # None for a command run without --user: the rulebook refuses nothing
        self.reason = reason  # the run's own, for every object without a reason of its own
        self.models = {}

    def judge(self, model, entries):
        """Judge the entries of ``model``, once the resolver has found their rows."""
        rules = self.models[model] = ModelJudge(model)
        changed = []
        for entry in entries:
            if not entry.failed:
                self._judge(rules, entry)
            if entry.outcome in ("created", "updated"):
                changed.append(entry)
            if entry.outcome:
                self.result.counts[rules.label][entry.outcome] += 1
        self._check_unique(rules, changed)

    def _judge(self, rules, entry):
        given, current = entry.given, entry.current
        entry.given = entry.current = None  # what follows is in the row
        row = list(current) if current is not None else [MISSING] * len(rules.fields)
        changes = current is None
        slots, found = rules.slots, self.resolver.found
        for name, value in given.items():
            position, target = slots[name]
            if target is not None and value is not None:  # a reference: the row it names
                linked = found[target].get(value)
                if linked is None:
                    self._unresolved(entry, name, target, value)
                    continue
                value = linked.pk if type(linked) is Entry and linked.pk is not None else linked
            if not changes and value != row[position] and position not in rules.bookkeeping:
                changes = True
            row[position] = value
        if entry.failed:
            return
        if not changes:
            entry.outcome = "unchanged"
            return
        if current is None:
            for position, value in enumerate(row):
                if value is not MISSING:
                    continue
                if rules.required[position]:
                    self.result.problem_with(
                        entry,
                        "required: a new object needs a value here",
                        field=rules.fields[position].name,
                    )
                    continue
                row[position] = (
                    self.now
                    if rules.stamped_now[position]
                    else rules.fields[position].get_default()
                )
            if entry.failed:
                return
            entry.outcome = "created"
        else:
            self._keep_the_desk_s_times(rules, entry, current, row)
            entry.outcome = "updated"
        entry.row = row
        if rules.cleans:
            self._clean(rules, entry)
        if rules.checks:
            for message, field_name in rules.broken_checks(row):
                self.result.problem_with(entry, message, field=field_name)
        if not entry.failed:
            self._ask_the_rulebook(rules, entry, current, row)
        if entry.failed:
            entry.outcome, entry.row = None, None

    def _keep_the_desk_s_times(self, rules, entry, current, row):
        """A changed row keeps its creation time, and is stamped now unless the file gives a
        later time than the row's; a step's time may not move back."""
        if rules.timestamped:
            created, updated = rules.positions["created_at"], rules.positions["updated_at"]
            row[created] = current[created]
            if row[updated] <= current[updated]:
                row[updated] = self.now
        for position in rules.step_times:
            before, after = current[position], row[position]
            if before is not None and after is not None and after < before:
                self.result.problem_with(
                    entry,
                    f"cannot move back to {after.isoformat()}: the desk recorded "
                    f"{before.isoformat()}",
                    field=rules.fields[position].name,
                )

    def _ask_the_rulebook(self, rules, entry, current, row):
        """The change from the row as the database holds it (a new, empty one when created)
        to the row to write, judged as the admin's forms judge it: may this user make it,
        and does it need a reason (a correction that readers see)?"""
        if current is None:
            record = rules.model()
            before = [field.get_default() for field in rules.fields]
        else:
            record = rules.model(entry.pk, *current)
            before = current
        changes = {
            rules.fields[position].name: value.pk if type(value) is Entry else value
            for position, value in enumerate(row)
            if value != before[position] and position not in rules.bookkeeping
        }
        if self.user is not None:
            refusal = record.editorial_refusal(self.user, changes)
            if refusal:
                self.result.problem_with(entry, refusal)
        explanation = current is not None and record.reason_required_for(changes)
        if explanation and not (entry.reason or self.reason):
            self.result.problem_with(
                entry,
                f"{explanation} Give the import a reason (--reason, or the upload's reason), "
                'or this object its own: "reason" beside its "fields".',
            )

    def _unresolved(self, entry, name, label, key):
        self.result.problem_with(
            entry,
            f"refers to {label} {as_json(list(key))}, which is neither in the file nor in the "
            "database",
            field=name,
        )

    def _clean(self, rules, entry):
        """Run the model's ``clean()``, which holds its own rules (a claim's publication time)."""
        row = entry.row
        instance = rules.model(  # positionally, as from_db() does: primary key first
            entry.pk, *[value.pk if type(value) is Entry else value for value in row]
        )
        try:
            instance.clean()
        except ValidationError as error:
            for field_name, errors in error.error_dict.items():
                label = "" if field_name == "__all__" else field_name
                self.result.problem_with(entry, messages_of(ValidationError(errors)), field=label)
            return
        for position, attname, is_datetime in rules.plain:
            value = getattr(instance, attname)
            if is_datetime and value is not None:
                value = aware_to_the_millisecond(value)
            row[position] = value

    def _check_unique(self, rules, changed):
        """Unique constraints other than the natural key, within the input and against the
        rows in the database that the input does not change."""
        for unique in rules.uniques:
            seen = {}
            for entry in changed:
                value = unique.value(entry.row)
                if value is None:
                    continue
                first = seen.setdefault(value, entry)
                if first is not entry:
                    self.result.problem_with(
                        entry,
                        f"{unique.message} (so does object #{first.number} at line {first.line})",
                        field=unique.field,
                    )
            in_database = [v for v in seen if not any(isinstance(p, Entry) for p in v)]
            if in_database:
                self._check_unique_in_database(rules, unique, seen, in_database, changed)

    def _check_unique_in_database(self, rules, unique, seen, values, changed):
        updated = {entry.pk for entry in changed if entry.outcome == "updated"}
        queryset = rules.model._base_manager.annotate(unique_first=unique.expressions[0])
        if unique.constraint.condition is not None:
            queryset = queryset.filter(unique.constraint.condition)
        firsts = sorted({value[0] for value in values}, key=str)
        for start in range(0, len(firsts), QUERY_CHUNK):
            chunk = set(firsts[start : start + QUERY_CHUNK])
            rows = queryset.filter(unique_first__any_of=chunk).values_list("pk", *rules.attnames)
            for pk, *row in rows:
                entry = seen.get(unique.value(row))
                if entry is not None and pk not in updated and pk != entry.pk:
                    self.result.problem_with(entry, unique.message, field=unique.field)
