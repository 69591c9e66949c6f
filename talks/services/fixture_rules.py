"""The rules a fixture object must meet, checked in Python so a whole file is judged at once.

Field rules are Django's own (``to_python``, null, blank, choices, max length, validators);
the database rules are each model's ``Meta.constraints``, evaluated on the row in Python with
SQL's three-valued logic. The database still enforces all of them: these checks exist to
name every broken object before anything is written, which the database cannot do.
"""

import datetime
import json
import operator
import re

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models.functions import Coalesce, Greatest, Least, Lower, Upper
from django.utils import timezone

from sources import records
from sources.natural_keys import canonical
from sources.records import TimestampedModel, written_fields

MISSING = object()  # the file leaves the field out


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
    return json.dumps(value, ensure_ascii=False)


class FieldRule:
    """How one field of a fixture object becomes a Python value, or why it cannot."""

    def __init__(self, field, position, key_rules):
        self.field = field
        self.name = field.name
        self.attname = field.attname
        self.position = position
        self.target = key_rules if field.is_relation else None
        self.is_datetime = isinstance(field, models.DateTimeField)
        self.now_by_default = field.default is timezone.now
        self.choices = {str(value) for value, _ in field.flatchoices} or None
        self.required = not (
            field.has_default() or field.null or (field.blank and field.empty_strings_allowed)
        )
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
                raise ValidationError(field.error_messages["invalid_choice"], params={"value": raw})
            for validator in validators:
                validator(raw)
            return raw

        if choices:
            valid_choices = frozenset(choice for choice in choices if _passes(convert, choice))
            full_check = convert

            def convert(raw):
                if type(raw) is str and raw in valid_choices:
                    return raw
                return full_check(raw)

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
            value = to_the_millisecond(value)
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
                moment = to_the_millisecond(moment)
            return moment
        return self._value(raw)

    def _reference_converter(self):
        target = self.target
        slug = isinstance(target, KeyRules) and target.is_slug

        def convert(raw):
            if slug and type(raw) is list and len(raw) == 1:  # the usual ["a-slug"]
                part = raw[0]
                if type(part) is str and part.isascii() and "\x00" not in part:
                    return (part,)
            if raw is None:
                return self._null("a reference")
            return target.key_from_reference(raw if isinstance(raw, list) else [raw])

        return convert


def _passes(convert, raw):
    try:
        return convert(raw) is raw
    except ValidationError:
        return False


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


def to_the_millisecond(moment):
    """Aware and to the millisecond, as ``TimestampedModel.save()`` keeps every time."""
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return records.to_the_millisecond(moment)


class KeyRules:
    """A model's natural key: how to read it from a reference, a file entry or a database row."""

    def __init__(self, model, components):
        self.model = model
        self.label = model._meta.label_lower
        # (field, KeyRules of the model it points to, or None for a plain field)
        self.components = components
        self.arity = sum(target.arity if target else 1 for _, target in components)
        # A slug: the key of most references, worth a short way through.
        self.is_slug = len(components) == 1 and isinstance(components[0][0], models.SlugField)

    def key_from_reference(self, parts):
        """The canonical key a reference names; ValidationError when it cannot be one."""
        if len(parts) != self.arity:
            raise ValidationError(
                f"not a valid natural key of {self.label}: expected {self.arity} value(s), "
                f"got {as_json(parts)}"
            )
        key, start = [], 0
        for field, target in self.components:
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
                detail = " ".join(getattr(error, "messages", [str(error)]))
                raise ValidationError(
                    f"not a valid natural key of {self.label}: {as_json(parts)} ({detail})"
                ) from None
        return tuple(key)


class OtherKeyRules:
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


class ModelRules:
    """Everything the importer knows about one fixture model."""

    def __init__(self, model, key_rules, rules_of):
        meta = model._meta
        self.model = model
        self.label = meta.label_lower
        self.keys = key_rules
        self.fields = []
        self.by_name = {}
        for field in written_fields(model):
            if field.primary_key:
                continue
            target = rules_of(field.related_model) if field.is_relation else None
            rule = FieldRule(field, len(self.fields), target)
            self.fields.append(rule)
            self.by_name[field.name] = rule
        self.attnames = [rule.attname for rule in self.fields]
        # What reading a file needs of each field, in one lookup.
        self.readers = {
            rule.name: (rule.position, rule.convert, rule.target) for rule in self.fields
        }
        self.key_positions = [
            self.by_name[field.name].position for field, _ in key_rules.components
        ]
        self.references = [rule for rule in self.fields if rule.target is not None]
        self.plain_fields = [rule for rule in self.fields if rule.target is None]
        self.reference_positions = [rule.position for rule in self.references]
        self.timestamped = issubclass(model, TimestampedModel)
        self.updated_at = self.by_name["updated_at"].position if self.timestamped else None
        self.cleans = model.clean is not models.Model.clean
        self.checks = [
            (
                compile_condition(constraint.condition, self),
                constraint.violation_error_message,
                only_field(referenced_fields(constraint.condition, self)),
            )
            for constraint in meta.constraints
            if isinstance(constraint, models.CheckConstraint)
            and not self._restates_choices(constraint)
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
        uniques = [
            Unique(self, constraint)
            for constraint in [*unique_fields, *meta.constraints]
            if isinstance(constraint, models.UniqueConstraint)
        ]
        # Two rows with the same natural key are one object: the key check covers those.
        self.uniques = [unique for unique in uniques if not unique.is_natural_key]

    def _restates_choices(self, constraint):
        """Whether a CHECK only holds a text field to its choices, which every value the
        file gives already met when it was read (the database still checks it)."""
        condition = constraint.condition
        if condition.negated or len(condition.children) != 1:
            return False
        child = condition.children[0]
        if isinstance(child, models.Q) or not child[0].endswith("__in"):
            return False
        rule = self.by_name.get(child[0].removesuffix("__in"))
        if rule is None or rule.choices is None:
            return False
        field, allowed = rule.field, set(child[1])
        return (
            isinstance(field, models.CharField | models.TextField)  # read by _text_converter
            and rule.choices <= allowed
            and (not field.blank or "" in allowed)
            and (not field.has_default() or field.get_default() in allowed)
        )

    def refusal(self, name):
        """Why a field of the file cannot be imported, or None when it can."""
        if name in self.by_name:
            return None
        try:
            self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return f"{self.model.__name__} has no field '{name}'"
        return "this field cannot be imported"

    def key_of(self, values):
        """The canonical natural key of a converted entry: its key fields' values, a
        reference standing for the key it names; None when the entry leaves a part out."""
        if self.keys.is_slug:  # the usual key, which needs no canonical form
            value = values[self.key_positions[0]]
            return None if value is MISSING else (value,)
        key = ()
        for position, (_, target) in zip(self.key_positions, self.keys.components, strict=True):
            value = values[position]
            if value is MISSING:
                return None
            if not target:
                key += (canonical(value),)
            else:  # a reference's key; an empty one is a null for each part it would hold
                key += value if value is not None else (None,) * target.arity
        return key

    def broken_checks(self, row):
        """(message, field) for each check constraint the row breaks; field is "" for several."""
        for holds, message, field in self.checks:
            if holds(row) is False:
                yield message, field


# --- Database rules in Python ------------------------------------------------------------------

LOOKUPS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda value, values: value in values,
    "regex": lambda value, pattern: re.search(pattern, value) is not None,
}


def compile_condition(condition, rules):
    """A function of a row giving True, False or None (SQL's unknown) for a ``Q`` condition.

    A CHECK constraint is broken only when its condition is False. Rows are indexed like
    ``rules.fields``; foreign keys hold a primary key or the object to be created.
    """
    if isinstance(condition, models.Q):
        children = [compile_condition(child, rules) for child in condition.children]
        negated = condition.negated

        def combined(row, every=condition.connector == models.Q.AND):
            results = [child(row) for child in children]
            if every:
                result = False if False in results else (None if None in results else True)
            else:
                result = True if True in results else (None if None in results else False)
            return result if result is None or not negated else not result

        return combined
    lookup, right = condition
    name, _, operation = lookup.rpartition("__")
    if operation not in LOOKUPS and operation != "isnull":
        name, operation = lookup, "exact"
    left = compile_expression(models.F(name), rules)
    if operation == "isnull":
        return lambda row: (left(row) is None) == bool(right)
    is_null_test = operation == "exact" and right is None  # Django's field=None: IS NULL
    right = compile_expression(right, rules)
    compare = LOOKUPS[operation]

    def compared(row):
        left_value, right_value = left(row), right(row)
        if is_null_test:
            return left_value is None
        if left_value is None or right_value is None:
            return None
        return compare(left_value, right_value)

    return compared


def compile_expression(expression, rules):
    """A function of a row giving the value of a constraint's expression; None is NULL."""
    if isinstance(expression, models.F):
        position = rules.by_name[expression.name].position
        return operator.itemgetter(position)
    if isinstance(expression, models.Value):
        value, output = expression.value, expression._output_field_or_none
        value = output.to_python(value) if output is not None and value is not None else value
        return lambda row: value
    if not hasattr(expression, "resolve_expression"):  # a plain value
        return lambda row: expression
    parts = [compile_expression(e, rules) for e in expression.get_source_expressions()]
    if isinstance(expression, Lower | Upper):
        (text,) = parts
        case = str.lower if isinstance(expression, Lower) else str.upper
        return lambda row: None if (value := text(row)) is None else case(value)
    if isinstance(expression, Coalesce):
        return lambda row: next((v for v in (part(row) for part in parts) if v is not None), None)
    if isinstance(expression, Least | Greatest):
        choose = min if isinstance(expression, Least) else max

        def chosen(row):
            values = [part(row) for part in parts]
            return None if None in values else choose(values, key=order_key)

        return chosen
    raise TypeError(f"{expression!r} cannot be checked in Python; teach compile_expression() it")


def order_key(value):
    """Orders primary keys and objects not yet written (whose order is arbitrary but fixed)."""
    return (0, value, 0) if isinstance(value, int) else (1, 0, id(value))


def referenced_fields(node, rules):
    """The field names a condition or expression reads."""
    if isinstance(node, models.F):
        return {node.name}
    if isinstance(node, models.Q):
        names = set()
        for child in node.children:
            if isinstance(child, models.Q):
                names |= referenced_fields(child, rules)
            else:
                lookup, right = child
                name = lookup.rsplit("__", 1)[0] if "__" in lookup else lookup
                names |= {name if name in rules.by_name else lookup}
                names |= referenced_fields(right, rules)
        return names
    if hasattr(node, "get_source_expressions"):
        return set().union(*(referenced_fields(e, rules) for e in node.get_source_expressions()))
    return set()


def only_field(names):
    """The one field a rule is about, to name it in the problem; "" when it spans several."""
    return next(iter(names)) if len(names) == 1 else ""


class Unique:
    """A unique constraint, checked within the file and against the rows in the database."""

    def __init__(self, rules, constraint):
        self.constraint = constraint
        self.message = constraint.violation_error_message
        self.expressions = [models.F(name) for name in constraint.fields] or list(
            constraint.expressions
        )
        self.is_natural_key = bool(constraint.fields) and set(constraint.fields) == {
            field.name for field, _ in rules.keys.components
        }
        self._parts = [compile_expression(e, rules) for e in self.expressions]
        condition = constraint.condition
        self._applies = compile_condition(condition, rules) if condition is not None else None
        names = set().union(*(referenced_fields(e, rules) for e in self.expressions))
        if condition is not None:
            names |= referenced_fields(condition, rules)
        self.field = only_field(names)

    def value(self, row):
        """The tuple the constraint keeps unique, or None when it does not apply to the row."""
        if self._applies is not None and not self._applies(row):
            return None
        value = tuple(part(row) for part in self._parts)
        return None if None in value else value
