"""Import of fixture JSON with natural keys: checked whole, all or nothing, idempotent, audited.

Django's ``loaddata`` saves one object at a time in raw mode: it writes no history, stops at
the first error and cannot tell an unchanged object from a changed one. This importer reads
every file, resolves natural keys in bulk (a query per model for the keys the files name),
checks every object against its fields' and its model's rules in Python, and lists every
problem with its place. Only a valid input is written, in one transaction, in bulk: created
rows, changed rows, and one history row for each, naming the import run that wrote it.
Unchanged objects are not written and get no history, so importing a file twice changes
nothing.
"""

import gc
import hashlib
import json
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from sources.models import Source, SourceBasis

from .. import rulebook
from ..models import (
    Citation,
    Claim,
    ClaimSubject,
    Contradiction,
    ContradictionSuggestion,
    ImportRun,
    Meeting,
    MeetingCitation,
    Participant,
    Person,
    PersonAlias,
    PersonNameKey,
    Role,
    RoleCitation,
    Statement,
)
from ..models.editions import advance_edition
from .bulk_rows import allocate_ids, insert_history, insert_rows, lock_tables, update_rows
from .fixture_rules import (
    MISSING,
    KeyRules,
    ModelRules,
    OtherKeyRules,
    as_json,
    to_the_millisecond,
)

# Every model a fixture may carry, in an order where references point backwards.
FIXTURE_MODELS = [
    Source,
    SourceBasis,
    Person,
    PersonAlias,
    Role,
    RoleCitation,
    Meeting,
    Participant,
    MeetingCitation,
    Claim,
    ClaimSubject,
    Citation,
    Statement,
    Contradiction,
    ContradictionSuggestion,
]
MAX_PROBLEMS = 200
QUERY_CHUNK = 5000  # values in one ``IN (...)``; SQLite takes at most 32,766
WRITE_CHUNK = 10000  # rows per COPY, between progress reports


@dataclass
class Problem:
    """One thing wrong with the input, with where it stands."""

    file: str
    message: str
    index: int | None = None
    model: str = ""
    key: tuple = ()
    field: str = ""

    def __str__(self):
        place = [self.file]
        if self.index is not None:
            place.append(f"object #{self.index}")
        if self.model:
            place.append(self.model)
        if self.key:
            place.append(json.dumps(list(self.key), ensure_ascii=False, default=str))
        if self.field:
            place.append(f"field '{self.field}'")
        return f"{', '.join(place)}: {self.message}"


@dataclass
class FixtureFile:
    """A fixture's bytes and the name it goes by: the path given, or an upload's file name."""

    name: str
    content: bytes | None = None
    error: str = ""

    @classmethod
    def read(cls, path):
        try:
            return cls(str(path), Path(path).read_bytes())
        except OSError as error:
            return cls(str(path), error=f"cannot read the file: {error.strerror}")

    @cached_property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class ImportResult:
    files: list = field(default_factory=list)  # {"name", "sha256", "objects"} per file read
    counts: dict = field(default_factory=lambda: defaultdict(Counter))
    problems: list = field(default_factory=list)
    more_problems: int = 0  # found beyond MAX_PROBLEMS, counted but not kept
    dry_run: bool = False
    run: ImportRun | None = None
    seconds: float = 0.0

    @property
    def ok(self):
        return not self.problems

    @property
    def objects(self):
        return sum(file["objects"] for file in self.files)

    def add_problem(self, problem):
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1

    def summary_lines(self):
        for label, counter in sorted(self.counts.items()):
            yield (
                f"{label}: {counter['created']} created, {counter['updated']} updated, "
                f"{counter['unchanged']} unchanged"
            )

    def totals(self):
        return Counter(
            {outcome: sum(c[outcome] for c in self.counts.values()) for outcome in OUTCOMES}
        )


OUTCOMES = ("created", "updated", "unchanged")


class ImportFailed(Exception):
    def __init__(self, result):
        self.result = result
        total = len(result.problems) + result.more_problems
        super().__init__(f"{total} problem(s) in the input")


def import_fixtures(
    files, *, user=None, reason="", dry_run=False, channel=ImportRun.Channel.COMMAND, progress=None
):
    """Import fixture files in one transaction; raise ``ImportFailed`` listing every problem.

    ``files`` are paths or ``FixtureFile``s. Returns the ``ImportResult`` with created /
    updated / unchanged counts per model and, unless ``dry_run``, the ``ImportRun`` written.
    ``progress(stage, done, total)`` hears how far the check and the write have got.
    """
    clock = time.monotonic()
    result = ImportResult(dry_run=dry_run)
    refusal = rulebook.import_refusal(user)
    if refusal:
        result.problems.append(Problem(str(user), refusal))
        raise ImportFailed(result)
    with _no_cycle_collection(), transaction.atomic():
        checked = _Check(result, progress or _silent)
        for number, file in enumerate(files):  # one at a time: a file's bytes go once read
            checked.read(number, file if isinstance(file, FixtureFile) else FixtureFile.read(file))
        if not dry_run:  # from here on, what the check finds in the database stays true
            lock_tables(FIXTURE_MODELS)
        checked.resolve()
        _refuse_publishing_beyond_the_role(checked, user)
        if not result.ok:
            order = {name: number for number, name in enumerate(checked.file_names)}
            result.problems.sort(key=lambda p: (order.get(p.file, 0), p.index or 0))
            raise ImportFailed(result)
        if not dry_run:
            try:
                result.run = _write(checked, user=user, reason=reason, channel=channel)
            except DatabaseError as error:
                result.problems.append(Problem(_names(result), _refusal(error)))
                raise ImportFailed(result) from error
            # Rows went in by COPY, which sends no signals: the public pages move on here.
            advance_edition(sender=ImportRun)
    result.seconds = time.monotonic() - clock
    return result


def _silent(stage, done, total):
    pass


@contextmanager
def _no_cycle_collection():
    """Pause Python's cycle collector while the import builds its records.

    It runs a full pass over every live object again and again as hundreds of thousands of
    records pile up, which cost a quarter of the check's time; the import makes no cycles
    for it to find, and it resumes (and collects) afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Record:
    """One object of the input, from its file entry to the row written."""

    __slots__ = ("rules", "file", "index", "values", "key", "pk", "outcome", "failed")

    def __init__(self, rules, file, index, values):
        self.rules, self.file, self.index, self.values = rules, file, index, values
        self.key, self.pk, self.outcome, self.failed = None, None, None, False


class _Check:
    """Reads the input, resolves its natural keys and judges every object against the rules."""

    def __init__(self, result, progress):
        self.result = result
        self.progress = progress
        self.now = to_the_millisecond(timezone.now())
        self.file_names = []
        self.rules = {}
        key_rules = {}
        user_keys = OtherKeyRules(get_user_model())

        def rules_of(model):
            if model in FIXTURE_MODELS:
                return key_rules[model]
            return user_keys if model is user_keys.model else OtherKeyRules(model)

        for model in FIXTURE_MODELS:
            label = model._meta.label_lower
            components = [
                (field, rules_of(field.related_model) if field.is_relation else None)
                for field in map(model._meta.get_field, model.natural_key_fields)
            ]
            key_rules[model] = KeyRules(model, components)
            self.rules[label] = ModelRules(model, key_rules[model], rules_of)
        self.defined = {label: {} for label in self.rules}  # key -> first _Record with it
        self.wanted = defaultdict(set)  # label -> keys that references name
        # Per model, field name -> (position, converter, target, the target's wanted keys).
        self.readers = {label: self._readers(rules) for label, rules in self.rules.items()}
        self.other_targets = {}  # label -> OtherKeyRules, for models outside the fixtures
        self.found = {}  # label -> key -> _Record (in the input) or primary key
        self.key_of_pk = defaultdict(dict)  # label -> primary key -> key, of rows in the database
        self.read_objects = 0

    def _readers(self, rules):
        readers = {}
        for name, (position, convert, target) in rules.readers.items():
            wanted = None if target is None else self.wanted[target.label]
            readers[name] = (position, convert, target, wanted)
        return readers

    def problem(self, record, message, *, field=""):
        name = self.file_names[record.file]
        key = record.key or ()
        self.result.add_problem(
            Problem(name, message, record.index, record.rules.label, key, field)
        )
        record.failed = True

    # --- Reading: parse each file, convert each field, find each object's natural key ------

    def read(self, number, fixture):
        self.file_names.append(fixture.name)
        if fixture.content is None:
            self.result.add_problem(Problem(fixture.name, fixture.error))
            return
        self.result.files.append({"name": Path(fixture.name).name, "sha256": fixture.sha256})
        objects = self._parse(fixture)
        self.result.files[-1]["objects"] = len(objects)
        for index, data in enumerate(objects):
            objects[index] = None  # the parsed JSON goes as the records grow
            self._read_object(number, index, data)
            self.read_objects += 1
            if not self.read_objects % WRITE_CHUNK:
                self.progress("read", self.read_objects, None)

    def _parse(self, fixture):
        try:
            objects = json.loads(fixture.content)
        except UnicodeDecodeError:
            self.result.add_problem(Problem(fixture.name, "the file is not UTF-8 text"))
            return []
        except json.JSONDecodeError as error:
            message = f"broken JSON at line {error.lineno}, column {error.colno}: {error.msg}"
            self.result.add_problem(Problem(fixture.name, message))
            return []
        except RecursionError:
            self.result.add_problem(Problem(fixture.name, "the JSON is nested too deeply"))
            return []
        if not isinstance(objects, list):
            self.result.add_problem(Problem(fixture.name, "a fixture is a JSON list of objects"))
            return []
        return objects

    def _read_object(self, number, index, data):
        fields = data.get("fields") if isinstance(data, dict) else None
        if not isinstance(fields, dict):
            message = 'expected {"model": ..., "fields": {...}}'
            self.result.add_problem(Problem(self.file_names[number], message, index))
            return
        label = data.get("model")
        rules = self.rules.get(label.lower() if isinstance(label, str) else None)
        if rules is None:
            message = f"unknown model '{label}'"
            self.result.add_problem(Problem(self.file_names[number], message, index))
            return
        values = [MISSING] * len(rules.fields)
        record = _Record(rules, number, index, values)
        readers, problems = self.readers[rules.label], []
        for field_name, raw in fields.items():
            try:
                position, convert, target, wanted = readers[field_name]
            except KeyError:
                problems.append((rules.refusal(field_name), field_name))
                continue
            try:
                value = values[position] = convert(raw)
            except ValidationError as error:
                problems.append((" ".join(error.messages), field_name))
                continue
            if wanted is not None and value is not None and value not in wanted:
                self._want(target, value)
        record.key = self._key(record, problems)
        for message, field_name in problems:
            self.problem(record, message, field=field_name)
        if record.key is None:
            return
        first = self.defined[rules.label].setdefault(record.key, record)
        if first is not record:
            self.problem(
                record,
                f"the same natural key is already at {self.file_names[first.file]} "
                f"object #{first.index}",
            )

    def _key(self, record, problems):
        """The record's natural key, or None when a part of it is missing or broken."""
        rules, values = record.rules, record.values
        key = None if problems else rules.key_of(values)
        if key is not None:
            return key
        positions = rules.key_positions
        broken = {field_name for _, field_name in problems}
        for (key_field, _), position in zip(rules.keys.components, positions, strict=True):
            if key_field.name in broken:
                return None
            if values[position] is MISSING:
                if not key_field.null:
                    message = f"required: it is part of the natural key of {rules.label}"
                    problems.append((message, key_field.name))
                    return None
                values[position] = None
        return rules.key_of(values)

    def _want(self, target, key):
        """Note a key some reference names, and the keys its own key refers to."""
        wanted = self.wanted[target.label]
        if key in wanted:
            return
        wanted.add(key)
        if isinstance(target, OtherKeyRules):
            self.other_targets[target.label] = target
        if isinstance(target, KeyRules):
            start = 0
            for _, parent in target.components:
                width = parent.arity if parent else 1
                if parent:
                    self._want(parent, key[start : start + width])
                start += width

    # --- Resolving: find what exists, decide what changes, check the rules --------------------

    def resolve(self):
        for label, target in self.other_targets.items():
            self.found[label] = {
                key: pk for key in self.wanted[label] if (pk := target.find(key)) is not None
            }
        total, done = self.read_objects, 0
        for label, rules in self.rules.items():
            defined = self.defined[label]
            existing, rows = self._existing(rules, defined.keys() | self.wanted[label])
            self.found[label] = {**existing, **defined}
            changed = []
            for key, record in defined.items():
                record.pk = existing.get(key)
                if not record.failed:
                    self._judge(record, rows.get(key))
                if record.outcome in ("created", "updated"):
                    changed.append(record)
                if record.outcome:
                    self.result.counts[label][record.outcome] += 1
            self._check_unique(rules, changed)
            done += len(defined)
            self.progress("checked", done, total)

    def _existing(self, rules, keys):
        """The rows in the database with one of ``keys``: key -> primary key, and key -> row
        for the objects the input defines.

        One query per chunk of keys, on the key's first field; the rest of the key is matched
        here.
        """
        existing, rows_defined = {}, {}
        first_field, parent = rules.keys.components[0]
        if parent:
            found = self.found[parent.label]
            width = parent.arity
            firsts = set()
            for key in keys:
                target = found.get(key[:width])
                pk = target.pk if isinstance(target, _Record) else target
                if pk is not None:
                    firsts.add(pk)
        else:
            firsts = {key[0] for key in keys if key[0] is not None}
        if not firsts:
            return existing, rows_defined
        defined = self.defined[rules.label]
        key_of_pk = self.key_of_pk[rules.label]
        manager = rules.model._base_manager
        firsts = sorted(firsts)
        for start in range(0, len(firsts), QUERY_CHUNK):
            chunk = set(firsts[start : start + QUERY_CHUNK])
            rows = manager.filter(**{f"{first_field.attname}__any_of": chunk}).values_list(
                "pk", *rules.attnames
            )
            for pk, *values in rows:
                key = self._key_of_row(rules, values)
                if key is None or key not in keys:
                    continue
                existing[key] = pk
                key_of_pk[pk] = key
                if key in defined:
                    rows_defined[key] = values
        return existing, rows_defined

    def _key_of_row(self, rules, values):
        if rules.keys.is_slug:
            return (values[rules.key_positions[0]],)
        key = []
        for (_, parent), position in zip(rules.keys.components, rules.key_positions, strict=True):
            value = values[position]
            if parent is None:
                key.append(value.isoformat() if hasattr(value, "isoformat") else value)
                continue
            if value is None:  # a reference to no row: one null per part of the key
                key.extend((None,) * parent.arity)
                continue
            parent_key = self.key_of_pk[parent.label].get(value)
            if parent_key is None:
                return None
            key.extend(parent_key)
        return tuple(key)

    def _judge(self, record, current):
        """Link the record's references; decide whether it is created, updated or unchanged."""
        rules, values, found = record.rules, record.values, self.found
        for rule in rules.references:
            key = values[rule.position]
            if key is MISSING or key is None:
                continue
            target = found[rule.target.label].get(key)
            if target is None:
                self.problem(
                    record,
                    f"refers to {rule.target.label} {as_json(list(key))}, which is neither in "
                    "the file nor in the database",
                    field=rule.name,
                )
                continue
            values[rule.position] = target.pk if isinstance(target, _Record) else target
            if values[rule.position] is None:
                values[rule.position] = target  # created by this import: linked by the record
        if record.failed:
            return
        if current is not None:
            given = [i for i, value in enumerate(values) if value is not MISSING]
            for i in given:
                if values[i] != current[i]:
                    break
            else:
                record.outcome, record.values = "unchanged", None
                return
            row = list(current)
            for i in given:
                row[i] = values[i]
            if rules.timestamped and values[rules.updated_at] is MISSING:
                row[rules.updated_at] = self.now
            record.values, record.outcome = row, "updated"
        else:
            fields = zip(rules.fields, values, strict=True)
            for rule in [rule for rule, value in fields if value is MISSING]:
                if rule.required:
                    self.problem(
                        record, "required: a new object needs a value here", field=rule.name
                    )
                    continue
                values[rule.position] = (
                    self.now if rule.now_by_default else rule.field.get_default()
                )
            if record.failed:
                return
            record.outcome = "created"
        if rules.cleans:
            self._clean(record)
        if rules.checks:
            for message, field_name in rules.broken_checks(record.values):
                self.problem(record, message, field=field_name)
        if record.failed:
            record.outcome = None

    def _clean(self, record):
        """Run the model's ``clean()``, which holds its own rules (a claim's publication time)."""
        rules, values = record.rules, record.values
        instance = rules.model(  # positionally, as from_db() does: primary key first
            record.pk, *[value.pk if type(value) is _Record else value for value in values]
        )
        try:
            instance.clean()
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                label = "" if field_name == "__all__" else field_name
                self.problem(record, " ".join(messages), field=label)
            return
        for rule in rules.plain_fields:
            value = getattr(instance, rule.attname)
            if rule.is_datetime and value is not None:
                value = to_the_millisecond(value)
            values[rule.position] = value

    def _check_unique(self, rules, changed):
        """Unique constraints other than the natural key, within the input and against the
        rows in the database that the input does not change."""
        for unique in rules.uniques:
            seen = {}
            for record in changed:
                value = unique.value(record.values)
                if value is None:
                    continue
                first = seen.setdefault(value, record)
                if first is not record:
                    self.problem(
                        record,
                        f"{unique.message} (so does object #{first.index})",
                        field=unique.field,
                    )
            in_database = [v for v in seen if not any(isinstance(p, _Record) for p in v)]
            if in_database:
                self._check_unique_in_database(rules, unique, seen, in_database, changed)

    def _check_unique_in_database(self, rules, unique, seen, values, changed):
        updated = {record.pk for record in changed if record.outcome == "updated"}
        queryset = rules.model._base_manager.annotate(unique_first=unique.expressions[0])
        if unique.constraint.condition is not None:
            queryset = queryset.filter(unique.constraint.condition)
        firsts = sorted({value[0] for value in values}, key=str)
        for start in range(0, len(firsts), QUERY_CHUNK):
            chunk = set(firsts[start : start + QUERY_CHUNK])
            rows = queryset.filter(unique_first__any_of=chunk).values_list("pk", *rules.attnames)
            for pk, *row in rows:
                record = seen.get(unique.value(row))
                if record is not None and pk not in updated and pk != record.pk:
                    self.problem(record, unique.message, field=unique.field)


def _write(checked, *, user, reason, channel):
    """Write the checked input: the run, then each model's rows and their history rows."""
    result = checked.result
    totals = result.totals()
    run = ImportRun(
        started_at=checked.now,
        user=user,
        channel=channel,
        reason=reason,
        files=result.files,
        counts={label: dict(counts) for label, counts in sorted(result.counts.items())},
        **totals,
    )
    run._change_reason, run._history_user = "Import started", user
    run.save()  # first, so that SQLite's write lock is held before ids are allocated
    names = ", ".join(f"{file['name']} (sha256 {file['sha256'][:12]})" for file in result.files)
    change_reason = f"Imported from {names} in import run #{run.pk}"
    if reason:
        change_reason += f": {reason}"
    history = {"date": timezone.now(), "reason": change_reason, "user": user}

    to_write, written = totals["created"] + totals["updated"], 0
    for label, rules in checked.rules.items():
        records = checked.defined[label].values()
        created = [record for record in records if record.outcome == "created"]
        updated = [record for record in records if record.outcome == "updated"]
        new_ids = allocate_ids(rules.model, len(created))
        for record, pk in zip(created, new_ids, strict=True):
            record.pk = pk
        fields = [rules.model._meta.pk, *(rule.field for rule in rules.fields)]
        for start in range(0, len(created), WRITE_CHUNK):
            rows = [_row(record) for record in created[start : start + WRITE_CHUNK]]
            insert_rows(rules.model, fields, rows)
            written_here = Q(pk__range=(new_ids[start], new_ids[start + len(rows) - 1]))
            insert_history(rules.model, written_here, history_type="+", **history)
            written += len(rows)
            checked.progress("written", written, to_write)
        for start in range(0, len(updated), WRITE_CHUNK):
            rows = [_row(record) for record in updated[start : start + WRITE_CHUNK]]
            update_rows(rules.model, fields[1:], [row[1:] + row[:1] for row in rows])
            written_here = Q(pk__any_of={row[0] for row in rows})
            insert_history(rules.model, written_here, history_type="~", **history)
            written += len(rows)
            checked.progress("written", written, to_write)
        for record in created + updated:
            record.values = None
    # COPY bypasses save(), which writes the keys the readers' search finds people by.
    PersonNameKey.objects.rebuild(*(_written(checked, model) for model in (Person, PersonAlias)))

    run.finished_at = max(timezone.now(), run.started_at)
    run._change_reason = "Import finished"
    run.save()
    return run


def _written(checked, model):
    records = checked.defined[model._meta.label_lower].values()
    return [record.pk for record in records if record.outcome in ("created", "updated")]


def _refuse_publishing_beyond_the_role(checked, user):
    """Creating or changing published or retracted claims is a chief editor's step.

    An import cannot tell a publication from an edit of a published claim, so a file that
    writes any published or retracted claim needs the right to publish.
    """
    if user is None:
        return
    rules = checked.rules["talks.claim"]
    status = rules.by_name["status"].position
    for record in checked.defined["talks.claim"].values():
        if record.outcome not in ("created", "updated"):
            continue
        refusal = rulebook.imported_claim_refusal(user, Claim(status=record.values[status]))
        if refusal:
            checked.result.problems.append(
                Problem(
                    checked.file_names[record.file],
                    refusal,
                    record.index,
                    "talks.claim",
                    record.key,
                    "status",
                )
            )


def _row(record):
    """The record as a table row: primary key first, objects created here by their new key."""
    values = record.values
    for position in record.rules.reference_positions:
        if type(values[position]) is _Record:
            values[position] = values[position].pk
    return (record.pk, *values)


def _names(result):
    return ", ".join(file["name"] for file in result.files)


def _refusal(error):
    """The database's refusal in words: the rule's own message when the error names it."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    named = [
        constraint
        for model in FIXTURE_MODELS
        for constraint in model._meta.constraints
        if constraint.name in str(error)
    ]
    if named:
        constraint = max(named, key=lambda constraint: len(constraint.name))
        return f"the database refused it: {constraint.violation_error_message} ({text})"
    return f"the database refused it: {text}"
