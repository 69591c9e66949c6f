"""Natural keys, each declared once, as a model's ``natural_key_fields``.

A field of a key is a plain field (a slug, a title, a date) or a foreign key, which stands for
the natural key of the row it points to: a link row's key is the key of the record it belongs
to, then the key of the one it points at. A part the row leaves empty is a null; a reference to
no row is one null per part of the key it would hold. Dates and UUIDs are text, as JSON has them.

``natural_key()``, the managers' ``get_by_natural_key()``, ``natural_key.dependencies`` (what
Django's serializers write first) and the fixture importer and exporter all read a model's
key through ``NaturalKey``, so the key has one definition and one shape everywhere.
"""

import functools
import uuid

from django.db import models


def canonical(value):
    """A key part as a fixture carries it: dates as ISO text, UUIDs as text, the rest as is."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) if isinstance(value, uuid.UUID) else value


class NaturalKey:
    """A model's natural key, read from its ``natural_key_fields``."""

    def __init__(self, model):
        self.model = model
        self.label = model._meta.label_lower
        # (field, the NaturalKey of the model it points to, or None for a plain field)
        self.parts = [
            (field, natural_key_of(field.related_model) if field.is_relation else None)
            for field in map(model._meta.get_field, model.natural_key_fields)
        ]
        self.arity = sum(target.arity if target else 1 for _, target in self.parts)

    @property
    def dependencies(self):
        """The labels of the models the key refers to, each once."""
        labels = (target.label for _, target in self.parts if target)
        return list(dict.fromkeys(labels))

    def compose(self, values):
        """The key from one value per part: a plain value, or for a reference the key of the
        row it points to (None when it points to none)."""
        key = ()
        for (_, target), value in zip(self.parts, values, strict=True):
            if target is None:
                key += (canonical(value),)
            elif value is None:
                key += (None,) * target.arity
            else:
                key += tuple(value)
        return key

    def of(self, instance):
        """The key of a saved or unsaved row."""
        values = []
        for field, target in self.parts:
            if target is None:
                values.append(getattr(instance, field.attname))
            elif getattr(instance, field.attname) is None:
                values.append(None)
            else:
                values.append(getattr(instance, field.name).natural_key())
        return self.compose(values)

    def split(self, key):
        """(field, target, the parts of ``key`` that field holds) for each field of the key."""
        if len(key) != self.arity:
            raise ValueError(f"a key of {self.label} has {self.arity} part(s): {key!r}")
        start = 0
        for field, target in self.parts:
            width = target.arity if target else 1
            yield field, target, key[start : start + width]
            start += width

    def lookup(self, key, prefix=""):
        """The condition that finds the row with ``key``. A null part matches a null (SQL's
        ``=`` never does), as the models' unique constraints on their keys hold it."""
        condition = models.Q()
        for field, target, parts in self.split(key):
            if all(part is None for part in parts):
                condition &= models.Q(**{f"{prefix}{field.name}__isnull": True})
            elif target is None:
                condition &= models.Q(**{f"{prefix}{field.name}": parts[0]})
            else:
                condition &= target.lookup(parts, prefix=f"{prefix}{field.name}__")
        return condition


@functools.cache
def natural_key_of(model):
    """The ``NaturalKey`` of ``model``, built once; models outside the desk (users) have none."""
    return NaturalKey(model) if getattr(model, "natural_key_fields", None) else None


class NaturalKeyManager(models.Manager):
    def get_by_natural_key(self, *key):
        return self.get(natural_key_of(self.model).lookup(key))


class NaturalKeyMethod:
    """``natural_key`` of a model with ``natural_key_fields``: called on a row, its key; read
    on the model, a function that carries ``dependencies``, as Django's serializers expect of
    ``Model.natural_key``."""

    def __get__(self, instance, owner):
        if instance is None:
            return _model_natural_key(owner)
        return functools.partial(natural_key_of(owner).of, instance)


@functools.cache
def _model_natural_key(model):
    def natural_key(instance):
        return natural_key_of(model).of(instance)

    dependencies = natural_key_of(model).dependencies
    if dependencies:  # Django's serializers add to an empty list of their own in place
        natural_key.dependencies = dependencies
    return natural_key
