"""Resolving, the second phase of an import: which row of the database each natural key names.

Model by model, references first (``FIXTURE_MODELS`` order), the rows with the keys the input
defines or refers to are looked up in bulk: one query per chunk of keys, on the key's first
field, the rest of each key matched here. A key that refers to another row (a citation's
claim) is matched through the key of that row, found a step earlier. Then each reference
resolves to the row's id, or to the object of the input that will create it.
"""

from collections import defaultdict

from sources.natural_keys import natural_key_of

from .fixture_models import fixture_fields
from .read import Entry

QUERY_CHUNK = 5000  # values in one ``IN (...)``; SQLite takes at most 32,766


class Resolver:
    def __init__(self, reader):
        self.reader = reader
        # label -> key -> what a reference to it names: the Entry that defines it, or the id of
        # the row in the database
        self.found = {
            label: {key: pk for key in reader.wanted[label] if (pk := users.find(key)) is not None}
            for label, users in reader.users.items()
        }
        self.key_of_pk = defaultdict(dict)  # label -> id -> key, of rows in the database

    def resolve(self, model):
        """Find the rows of ``model`` that the input names; returns the model's entries, each
        with the id and the values of its row when the database holds it already."""
        label = model._meta.label_lower
        defined = self.reader.defined[label]
        existing, rows = self._existing(model, defined.keys() | self.reader.wanted[label])
        self.found[label] = {**existing, **defined}
        for key, entry in defined.items():
            entry.pk = existing.get(key)
            entry.current = rows.get(key)
        return list(defined.values())

    def _existing(self, model, keys):
        """The rows in the database with one of ``keys``: key -> id, and key -> row for the
        objects the input defines."""
        existing, rows_defined = {}, {}
        natural_key = natural_key_of(model)
        first_field, parent = natural_key.parts[0]
        if parent:
            found = self.found[parent.label]
            firsts = set()
            for key in keys:
                target = found.get(key[: parent.arity])
                pk = target.pk if isinstance(target, Entry) else target
                if pk is not None:
                    firsts.add(pk)
        else:
            firsts = {key[0] for key in keys if key[0] is not None}
        if not firsts:
            return existing, rows_defined
        defined = self.reader.defined[model._meta.label_lower]
        key_of_pk = self.key_of_pk[model._meta.label_lower]
        attnames = [field.attname for field in fixture_fields(model)]
        positions = [attnames.index(field.attname) for field, _ in natural_key.parts]
        firsts = sorted(firsts)
        for start in range(0, len(firsts), QUERY_CHUNK):
            chunk = set(firsts[start : start + QUERY_CHUNK])
            found_rows = model._base_manager.filter(
                **{f"{first_field.attname}__any_of": chunk}
            ).values_list("pk", *attnames)
            for pk, *values in found_rows:
                key = self._key_of_row(natural_key, positions, values)
                if key is None or key not in keys:
                    continue
                existing[key] = pk
                key_of_pk[pk] = key
                if key in defined:
                    rows_defined[key] = values
        return existing, rows_defined

    def _key_of_row(self, natural_key, positions, values):
        """The key of a row of the database: a reference by the key of the row it names,
        which was looked up a step earlier (None when it was not)."""
        parts = []
        for (_, target), position in zip(natural_key.parts, positions, strict=True):
            value = values[position]
            if target is not None and value is not None:
                value = self.key_of_pk[target.label].get(value)
                if value is None:
                    return None
            parts.append(value)
        return natural_key.compose(parts)
