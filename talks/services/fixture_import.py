"""Import of fixture JSON with natural keys, through ``save()`` so every change has history.

Django's ``loaddata`` saves in raw mode (no history), stops at the first error and cannot
tell an unchanged object from a changed one. This importer resolves natural keys against the
file and the database, validates every object, reports every problem with its place, writes
one history row per created or changed object, skips unchanged ones, and writes nothing at
all unless the whole input is valid.
"""

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, models, transaction

from sources.models import Source, SourceBasis

from ..models import (
    Citation,
    Claim,
    ClaimSubject,
    Contradiction,
    ContradictionSuggestion,
    Meeting,
    MeetingCitation,
    Participant,
    Person,
    PersonAlias,
    Role,
    RoleCitation,
    Statement,
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
TIMESTAMP_FIELDS = {"created_at", "updated_at"}
MAX_PROBLEMS = 200


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
class ImportResult:
    files: list = field(default_factory=list)  # (name, sha256)
    counts: dict = field(default_factory=lambda: defaultdict(Counter))
    problems: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self):
        return not self.problems

    def summary_lines(self):
        for label, counter in sorted(self.counts.items()):
            yield (
                f"{label}: {counter['created']} created, {counter['updated']} updated, "
                f"{counter['unchanged']} unchanged"
            )


class ImportFailed(Exception):
    def __init__(self, result):
        self.result = result
        super().__init__(f"{len(result.problems)} problem(s) in the input")


class _MissingReference(Exception):
    """A natural key that neither the database nor the part of the file saved so far holds."""

    def __init__(self, field_name, model, key):
        self.field_name, self.model, self.key = field_name, model, key


@dataclass
class _Entry:
    file: str
    index: int
    data: dict
    model: type[models.Model] | None = None

    def problem(self, message, *, key=(), field=""):
        label = self.model._meta.label_lower if self.model else ""
        return Problem(self.file, message, self.index, label, tuple(key), field)


def import_fixtures(paths, *, user=None, reason="", dry_run=False):
    """Import fixture files in one transaction; raise ``ImportFailed`` listing every problem.

    Returns the ``ImportResult`` with created / updated / unchanged counts per model. With
    ``dry_run`` everything is checked and counted, then rolled back.
    """
    result = ImportResult(dry_run=dry_run)
    entries = []
    for path in map(Path, paths):
        entries.extend(_read_entries(path, result))

    names = ", ".join(f"{name} (sha256 {digest[:12]})" for name, digest in result.files)
    change_reason = f"Imported from {names}" + (f": {reason}" if reason else "")
    try:
        with transaction.atomic():
            _apply(entries, result, user=user, change_reason=change_reason)
            if not result.ok or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if not result.ok:
        result.problems.sort(key=lambda problem: (problem.file, problem.index or 0))
        raise ImportFailed(result)
    return result


class _Rollback(Exception):
    pass


def _read_entries(path, result):
    try:
        raw = path.read_bytes()
    except OSError as error:
        result.problems.append(Problem(str(path), f"cannot read the file: {error.strerror}"))
        return []
    result.files.append((path.name, hashlib.sha256(raw).hexdigest()))
    try:
        objects = json.loads(raw)
    except UnicodeDecodeError:
        result.problems.append(Problem(str(path), "the file is not UTF-8 text"))
        return []
    except json.JSONDecodeError as error:
        message = f"broken JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        result.problems.append(Problem(str(path), message))
        return []
    if not isinstance(objects, list):
        result.problems.append(Problem(str(path), "a fixture is a JSON list of objects"))
        return []

    importable = {model._meta.label_lower: model for model in FIXTURE_MODELS}
    entries = []
    for index, data in enumerate(objects):
        entry = _Entry(str(path), index, data)
        if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
            result.problems.append(entry.problem('expected {"model": ..., "fields": {...}}'))
            continue
        entry.model = importable.get(str(data.get("model", "")).lower())
        if entry.model is None:
            result.problems.append(entry.problem(f"unknown model '{data.get('model')}'"))
            continue
        entries.append(entry)
    return entries


def _apply(entries, result, *, user, change_reason):
    """Save entries as their references become available, reporting what never resolves."""
    seen_keys = {}
    pending = sorted(entries, key=lambda entry: FIXTURE_MODELS.index(entry.model))
    while pending:
        postponed = []
        for entry in pending:
            try:
                built = _build(entry, result)
            except _MissingReference:
                postponed.append(entry)
                continue
            if built is not None:
                _save(entry, *built, result, seen_keys, user, change_reason)
            if len(result.problems) >= MAX_PROBLEMS:
                return
        if len(postponed) == len(pending):
            for entry in postponed:
                try:
                    _build(entry, result)
                except _MissingReference as missing:
                    result.problems.append(
                        entry.problem(
                            f"refers to {missing.model._meta.label_lower} "
                            f"{json.dumps(missing.key, ensure_ascii=False)}, which is neither "
                            "in the file nor in the database",
                            field=missing.field_name,
                        )
                    )
            return
        pending = postponed


def _build(entry, result):
    """The instance the entry describes, the fields it gives, and their values before.

    The values before are None for a new object. Returns None after reporting problems.
    """
    model, values, problems = entry.model, {}, []
    for name, raw in entry.data["fields"].items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            problems.append(entry.problem(f"{model.__name__} has no field '{name}'", field=name))
            continue
        if not model_field.concrete or model_field.many_to_many or model_field.primary_key:
            problems.append(entry.problem("this field cannot be imported", field=name))
            continue
        try:
            values[name] = _to_python(model_field, raw)
        except ValidationError as error:
            problems.append(entry.problem(" ".join(error.messages), field=name))
    if problems:
        result.problems.extend(problems)
        return None

    instance = model(**values)
    try:
        key = instance.natural_key()
    except ObjectDoesNotExist as error:
        result.problems.append(entry.problem(f"the natural key is incomplete: {error}"))
        return None
    try:
        existing = model._default_manager.get_by_natural_key(*key)
    except model.DoesNotExist:
        return instance, values, None
    attnames = [model._meta.get_field(name).attname for name in values]
    before = [getattr(existing, attname) for attname in attnames]
    for name, value in values.items():
        setattr(existing, name, value)
    return existing, values, before


def _to_python(model_field, raw):
    texts = raw if isinstance(raw, list) else [raw]
    if any(isinstance(text, str) and "\x00" in text for text in texts):
        # PostgreSQL refuses them, mid-transaction; refused on every database alike.
        raise ValidationError("text cannot contain NUL (0x00) characters")
    if not model_field.is_relation:
        if raw is None and not model_field.null:
            raise ValidationError("a value is required here, not null")
        if isinstance(model_field, models.CharField | models.TextField) and not isinstance(
            raw, str
        ):
            raise ValidationError(f"expected text, got {json.dumps(raw)}")
        try:
            return model_field.to_python(raw)
        except (TypeError, ValueError):  # e.g. a date given as a number
            raise ValidationError(f"not a valid value here: {json.dumps(raw)}") from None
    if raw is None:
        if not model_field.null:
            raise ValidationError("a reference is required here, not null")
        return None
    target = model_field.related_model
    key = raw if isinstance(raw, list) else [raw]
    try:
        return target._default_manager.get_by_natural_key(*key)
    except target.DoesNotExist:
        raise _MissingReference(model_field.name, target, key) from None
    except (TypeError, ValueError, ValidationError) as error:
        message = f"not a valid natural key of {target._meta.label_lower}: {error}"
        raise ValidationError(message) from None


def _save(entry, instance, values, before, result, seen_keys, user, change_reason):
    label = entry.model._meta.label_lower
    key = instance.natural_key()
    first = seen_keys.setdefault((label, key), entry)
    if first is not entry:
        result.problems.append(
            entry.problem(
                f"the same natural key is already at {first.file} object #{first.index}", key=key
            )
        )
        return
    if before is not None and before == [
        getattr(instance, entry.model._meta.get_field(name).attname) for name in values
    ]:
        result.counts[label]["unchanged"] += 1
        return
    try:
        instance.full_clean()
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            field_label = "" if field_name == "__all__" else field_name
            result.problems.append(entry.problem(" ".join(messages), key=key, field=field_label))
        return
    instance._change_reason = change_reason
    instance._history_user = user
    instance._keep_timestamps = bool(TIMESTAMP_FIELDS & set(values))
    try:
        with transaction.atomic():
            instance.save()
    except DatabaseError as error:
        result.problems.append(entry.problem(f"the database refused it: {error}", key=key))
        return
    result.counts[label]["created" if before is None else "updated"] += 1
