"""Reading, the first phase of an import: each file parsed, each field of each object
converted to its Python value, each object's natural key found.

A field is checked here by Django's own rules for it (type, null, blank, choices, length,
validators); what needs the database or the other objects (references, the models' own
rules) waits for the later phases. Every problem is noted with its place, and reading goes on,
so that one run lists them all.
"""

import datetime
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.utils import timezone

from sources.natural_keys import canonical, natural_key_of
from sources.records import to_the_millisecond

from .fixture_models import FIXTURE_MODELS, fixture_fields, why_not_carried
from .report import Problem, cut

MISSING = object()  # the file leaves the field out
PROGRESS_EVERY = 10_000  # objects read between progress reports
WHITESPACE = re.compile(r"[ \t\n\r]*")  # between JSON values


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


@dataclass(slots=True, eq=False)
class Entry:
    """One object of the input, from its place in a file to the row written.

    Reading fills in what the file says; resolving, which row the key names; judging, what
    becomes of the object and the row to write.
    """

    model: type
    file: int  # the file's number among the run's files
    number: int  # its place in the file, counted from 1
    line: int  # the line of the file where it starts
    # Field name -> the file's value, converted; a reference as the natural key it names.
    given: dict | None
    key: tuple | None = None
    failed: bool = False
    # Resolving: the row's id (the one allocated when written, for a new row), and the row as
    # the database holds it (in ``fixture_fields`` order), for an object already there.
    pk: int | None = None
    current: list | None = None
    # Judging: "created", "updated" or "unchanged", and the row to write (in
    # ``fixture_fields`` order), a reference to an object created here as its Entry.
    outcome: str | None = None
    row: list | None = None
    # The object's own "reason" beside its fields: why it changes, in the editor's words.
    reason: str = ""


def check_text(text):
    """Refuse what PostgreSQL would refuse mid-transaction, on every database alike."""
    if "\x00" in text:
        raise ValidationError("text cannot contain NUL (0x00) characters")
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError:
            raise ValidationError("text holds an unpaired surrogate (\\ud800-\\udfff)") from None


def as_json(value):
    """A value of the file as a problem shows it: JSON, cut when long."""
    return cut(json.dumps(value, ensure_ascii=False))


def messages_of(error):
    """A ValidationError's messages, each value they quote cut when long."""
    messages = []
    for item in error.error_list:
        params = item.params or {}
        if isinstance(params, dict):
            params = {
                name: cut(value) if isinstance(value, str) else value
                for name, value in params.items()
            }
        messages.append(str(item.message % params if params else item.message))
    return " ".join(messages)


def choices_text(choices):
    """The valid values of a field, as a problem lists them."""
    shown = sorted(choices)
    more = f" and {len(shown) - 20} more" if len(shown) > 20 else ""
    return ", ".join(json.dumps(value, ensure_ascii=False) for value in shown[:20]) + more


def aware_to_the_millisecond(moment):
    """A time as ``TimestampedModel.save()`` keeps it: aware, and to the millisecond."""
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return to_the_millisecond(moment)


class FieldReader:
    """How one field of a fixture object becomes a Python value, or why it cannot."""

    def __init__(self, field, target):
        self.field = field
        self.name = field.name
        self.target = target  # the KeyReader of a reference's model, None for a plain field
        self.is_datetime = isinstance(field, models.DateTimeField)
        self.choices = {str(value) for value, _ in field.flatchoices} or None
        if field.is_relation:
            self.convert = self._reference_converter()
        elif self.is_datetime:
            self.convert = self._datetime
        elif isinstance(field, models.DateField):
            self.convert = self._date
        elif isinstance(field, models.CharField | models.TextField):
            self.convert = self._text_converter()
        else:
            self.convert = self._value

    def _null(self, what):
        if self.field.null:
            return None
        raise ValidationError(f"{what} is required here, not null")

    def _text_converter(self):
        """The check of a text field, with only the steps this field needs: it runs for most
        values of every object."""
        field = self.field
        custom_to_python = type(field).to_python not in (
            models.CharField.to_python,
            models.TextField.to_python,
        )
        to_python = field.to_python if custom_to_python else None
        blank, max_length = field.blank, field.max_length
        choices = self.choices
        validators = [quick(v) for v in field.validators if not isinstance(v, MaxLengthValidator)]

        def convert(raw):
            if type(raw) is not str:
                if raw is None:
                    return self._null("a value")
                raise ValidationError(f"expected text, got {as_json(raw)}")
            if "\x00" in raw or not raw.isascii():
                check_text(raw)
            if to_python is not None:
                raw = to_python(raw)
            if not raw:
                if blank:
                    return raw
                raise ValidationError(field.error_messages["blank"], code="blank")
            if max_length is not None and len(raw) > max_length:
                MaxLengthValidator(max_length)(raw)
            if choices is not None and raw not in choices:
                raise ValidationError(
                    f"{as_json(raw)} is not one of the choices: {choices_text(choices)}"
                )
            for validator in validators:
                validator(raw)
            return raw

        return convert

    def _value(self, raw):
        if raw is None:
            return self._null("a value")
        if isinstance(raw, list | dict):
            raise ValidationError(f"not a valid value here: {as_json(raw)}")
        try:
            value = self.field.clean(raw, None)
        except (TypeError, ValueError, OverflowError):  # e.g. a date given as a number
            raise ValidationError(f"not a valid value here: {as_json(raw)}") from None
        if self.is_datetime:
            value = aware_to_the_millisecond(value)
        return value

    def _date(self, raw):
        if type(raw) is str and len(raw) == 10:  # YYYY-MM-DD: Django's own first try
            try:
                return datetime.date.fromisoformat(raw)
            except ValueError:
                pass  # Django's message says what is wrong with it
        return self._value(raw)

    def _datetime(self, raw):
        if type(raw) is str:
            try:
                moment = datetime.datetime.fromisoformat(raw)
            except ValueError:
                return self._value(raw)
            if moment.tzinfo is None or moment.microsecond % 1000:
                moment = aware_to_the_millisecond(moment)
            return moment
        return self._value(raw)

    def _reference_converter(self):
        target = self.target
        slug = isinstance(target, KeyReader) and target.is_slug

        def convert(raw):
            if slug and type(raw) is list and len(raw) == 1:  # the usual ["a-slug"], quickly
                part = raw[0]
                if type(part) is str and part.isascii() and "\x00" not in part:
                    return (part,)
            if raw is None:
                return self._null("a reference")
            return target.key_from_reference(raw if isinstance(raw, list) else [raw])

        return convert


class NotAList(ValueError):
    """The JSON is whole, but not the list of objects a fixture is."""


def objects_with_lines(text):
    """The objects of a fixture's JSON list, each as (the line it starts on, its value).

    One pass of the JSON decoder, object by object, so a problem can name the line where its
    object starts; raises ``json.JSONDecodeError`` (with the line and column) or ``NotAList``.
    """
    decoder = json.JSONDecoder()
    position = WHITESPACE.match(text).end()
    if not text.startswith("[", position):
        json.loads(text)  # raises what is wrong with it, if anything
        raise NotAList
    objects, line, counted = [], 1, 0
    position = WHITESPACE.match(text, position + 1).end()
    if text.startswith("]", position):
        position += 1
    else:
        while True:
            line += text.count("\n", counted, position)
            counted = position
            value, position = decoder.raw_decode(text, position)
            objects.append((line, value))
            position = WHITESPACE.match(text, position).end()
            if text.startswith(",", position):
                position = WHITESPACE.match(text, position + 1).end()
            elif text.startswith("]", position):
                position += 1
                break
            else:
                json.loads(text)  # the decoder's own message, line and column
                raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
    if WHITESPACE.match(text, position).end() != len(text):
        json.loads(text)
        raise json.JSONDecodeError("Extra data", text, position)
    return objects


def quick(validator):
    """A validator that runs its regular expression directly, and lets Django raise.

    Django compiles validators' expressions lazily, behind a proxy that costs more than the
    match itself; a slug is checked once per object.
    """
    if type(validator) is not RegexValidator:
        return validator
    pattern = re.compile(validator.regex.pattern, validator.regex.flags)

    def check(value):
        if (pattern.search(str(value)) is None) != validator.inverse_match:
            validator(value)

    return check


class KeyReader:
    """A fixture model's natural key as a reference names it: checked and made canonical."""

    def __init__(self, model, key_readers):
        self.label = model._meta.label_lower
        self.natural_key = natural_key_of(model)
        self.arity = self.natural_key.arity
        # (field, KeyReader of the model it points to, or None for a plain field)
        self.parts = [
            (field, key_readers(target.model) if target else None)
            for field, target in self.natural_key.parts
        ]
        # A slug: the key of most references, worth a short way through.
        self.is_slug = len(self.parts) == 1 and isinstance(self.parts[0][0], models.SlugField)

    def key_from_reference(self, parts):
        """The canonical key a reference names; ValidationError when it cannot be one."""
        if len(parts) != self.arity:
            raise ValidationError(
                f"not a valid natural key of {self.label}: expected {self.arity} value(s), "
                f"got {as_json(parts)}"
            )
        key, start = [], 0
        for field, target in self.parts:
            if target:
                key.extend(target.key_from_reference(parts[start : start + target.arity]))
                start += target.arity
                continue
            part = parts[start]
            start += 1
            if part is None:
                key.append(None)
                continue
            if isinstance(part, bool) or not isinstance(part, str | int):
                raise ValidationError(f"not a valid natural key of {self.label}: {as_json(parts)}")
            try:
                if isinstance(part, str):
                    check_text(part)
                key.append(canonical(field.to_python(part)))
            except (ValidationError, TypeError, ValueError) as error:
                detail = messages_of(error) if isinstance(error, ValidationError) else cut(error)
                raise ValidationError(
                    f"not a valid natural key of {self.label}: {as_json(parts)} ({detail})"
                ) from None
        return tuple(key)

    def parent_keys(self, key):
        """(KeyReader, key) of each row that ``key`` itself refers to."""
        for (_, target), (_, _, parts) in zip(self.parts, self.natural_key.split(key), strict=True):
            if target and any(part is not None for part in parts):
                yield target, parts


class UserKeyReader:
    """The natural key of a model outside the fixtures (a user), found by its manager."""

    def __init__(self, model):
        self.model = model
        self.label = model._meta.label_lower

    def key_from_reference(self, parts):
        # Text only: a number compared with a text column would abort PostgreSQL's transaction.
        if not all(isinstance(part, str) for part in parts):
            raise ValidationError(f"not a valid natural key of {self.label}: {as_json(parts)}")
        for part in parts:
            check_text(part)
        return tuple(parts)

    def find(self, key):
        """The primary key of the object, or None."""
        try:
            return self.model._default_manager.get_by_natural_key(*key).pk
        except (self.model.DoesNotExist, TypeError, ValueError, ValidationError):
            return None


class ModelReader:
    """What reading needs to know of one fixture model."""

    def __init__(self, model, key_readers):
        self.model = model
        self.label = model._meta.label_lower
        self.key = key_readers(model)
        self.fields = {
            field.name: FieldReader(
                field, key_readers(field.related_model) if field.is_relation else None
            )
            for field in fixture_fields(model)
        }
        self.key_fields = [field for field, _ in self.key.parts]

    def readers(self, wanted):
        """Field name -> (its converter, the KeyReader of a reference, the keys references to
        that model name so far): what reading an object needs of each field, in one lookup."""
        return {
            name: (
                field.convert,
                field.target,
                None if field.target is None else wanted[field.target.label],
            )
            for name, field in self.fields.items()
        }

    def refusal(self, name):
        """Why a field of the file cannot be imported."""
        try:
            self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return f"{self.model.__name__} has no field '{name}'"
        return "this field cannot be imported"


class Reader:
    """Reads the files of one import into entries, one per object, by model and key."""

    def __init__(self, result, progress):
        self.result = result
        self.progress = progress
        self.key_readers = {}
        self.models = {
            model._meta.label_lower: ModelReader(model, self.key_reader) for model in FIXTURE_MODELS
        }
        self.defined = {label: {} for label in self.models}  # key -> the first Entry with it
        self.wanted = defaultdict(set)  # label -> keys that references name
        self.readers = {label: model.readers(self.wanted) for label, model in self.models.items()}
        self.users = {}  # label -> UserKeyReader, for the models outside the fixtures named
        self.read_objects = 0

    def key_reader(self, model):
        """The KeyReader of a fixture model, or the UserKeyReader of any other (a user)."""
        if model not in self.key_readers:
            if model in FIXTURE_MODELS:
                self.key_readers[model] = KeyReader(model, self.key_reader)
            else:
                self.key_readers[model] = UserKeyReader(model)
        return self.key_readers[model]

    def read(self, number, fixture):
        self.result.file_names.append(fixture.name)
        if fixture.content is None:
            self.result.add_problem(Problem(fixture.name, fixture.error))
            return
        self.result.files.append({"name": Path(fixture.name).name, "sha256": fixture.sha256})
        objects = self._parse(fixture)
        self.result.files[-1]["objects"] = len(objects)
        for index, (line, data) in enumerate(objects):
            objects[index] = None  # the parsed JSON goes as the entries grow
            self._read_object(number, index + 1, line, data)
            self.read_objects += 1
            if not self.read_objects % PROGRESS_EVERY:
                self.progress("read", self.read_objects, None)

    def _parse(self, fixture):
        """The file's objects, each with the line it starts on; [] when it cannot be read."""
        try:
            return objects_with_lines(fixture.content.decode())
        except UnicodeDecodeError:
            self.result.add_problem(Problem(fixture.name, "the file is not UTF-8 text"))
        except json.JSONDecodeError as error:
            message = f"broken JSON at line {error.lineno}, column {error.colno}: {error.msg}"
            self.result.add_problem(Problem(fixture.name, message))
        except RecursionError:
            self.result.add_problem(Problem(fixture.name, "the JSON is nested too deeply"))
        except NotAList:
            self.result.add_problem(Problem(fixture.name, "a fixture is a JSON list of objects"))
        return []

    def _read_object(self, number, index, line, data):
        name = self.result.file_names[number]
        fields = data.get("fields") if isinstance(data, dict) else None
        if not isinstance(fields, dict):
            self.result.add_problem(
                Problem(name, 'expected {"model": ..., "fields": {...}}', index, line=line)
            )
            return
        label = data.get("model")
        reader = self.models.get(label.lower() if isinstance(label, str) else None)
        if reader is None:
            why = why_not_carried(label) if isinstance(label, str) else None
            if why:
                self.result.skip(label.lower(), why)
            else:
                problem = Problem(name, f"unknown model '{label}'", index, line=line)
                self.result.add_problem(problem)
            return
        given, problems = {}, []
        readers = self.readers[reader.label]
        for field_name, raw in fields.items():
            try:
                convert, target, wanted = readers[field_name]
            except KeyError:
                problems.append((reader.refusal(field_name), field_name))
                continue
            try:
                value = given[field_name] = convert(raw)
            except ValidationError as error:
                problems.append((messages_of(error), field_name))
                continue
            if wanted is not None and value is not None and value not in wanted:
                self._want(target, value)
        entry = Entry(reader.model, number, index, line, given)
        entry.key = self._key(reader, given, problems)
        entry.reason = self._reason(data.get("reason", ""), problems)
        for message, field_name in problems:
            self.result.problem_with(entry, message, field=field_name)
        if entry.key is None:
            return
        first = self.defined[reader.label].setdefault(entry.key, entry)
        if first is not entry:
            self.result.problem_with(
                entry,
                f"the same natural key is already at {self.result.file_names[first.file]} "
                f"object #{first.number} at line {first.line}",
            )

    def _reason(self, reason, problems):
        """The object's own reason for its change: text, kept in its history rows and shown
        to readers when it corrects a published claim."""
        if type(reason) is not str:
            problems.append((f"a reason is text, not {as_json(reason)}", "reason"))
            return ""
        try:
            check_text(reason)
        except ValidationError as error:
            problems.append((messages_of(error), "reason"))
            return ""
        return reason.strip()

    def _key(self, reader, given, problems):
        """The entry's natural key, or None when a part of it is missing or broken. A part
        the file leaves out of an optional field is a null."""
        if reader.key.is_slug and not problems:  # the usual key, which needs no composing
            slug = given.get(reader.key_fields[0].name, MISSING)
            if slug is not MISSING:
                return (slug,)
        broken = {field_name for _, field_name in problems}
        parts = []
        for field in reader.key_fields:
            if field.name in broken:
                return None
            value = given.get(field.name, MISSING)
            if value is MISSING:
                if not field.null:
                    message = f"required: it is part of the natural key of {reader.label}"
                    problems.append((message, field.name))
                    return None
                value = given[field.name] = None
            parts.append(value)
        return reader.key.natural_key.compose(parts)

    def _want(self, target, key):
        """Note a key a reference names, and the keys its own key refers to."""
        wanted = self.wanted[target.label]
        if key in wanted:
            return
        wanted.add(key)
        if isinstance(target, UserKeyReader):
            self.users[target.label] = target
            return
        for parent, parent_key in target.parent_keys(key):
            self._want(parent, parent_key)
