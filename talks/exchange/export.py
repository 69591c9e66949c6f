"""The desk as fixture JSON with natural keys: sorted and stable, so a round trip is identical.

The format is what ``dumpdata --natural-foreign --natural-primary --indent 2`` writes (no
database ids, references by natural key), with the objects in ``FIXTURE_MODELS`` order and,
within a model, sorted by natural key. Exporting, importing into an empty database and
exporting again gives the same bytes. ``published_only`` writes only what the public may
see (``talks.visibility.published_record``). ``export_to_file`` writes a file whole or not
at all.
"""

import json
import os
from collections import Counter
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder

from sources.natural_keys import natural_key_of

from ..visibility import published_record
from .fixture_models import FIXTURE_MODELS


def export_fixtures(stream, *, published_only=False):
    """Write the fixture JSON to ``stream``; returns the number of objects per model label."""
    scope = published_record() if published_only else None
    keys = {}  # model -> primary key -> natural key
    counts = Counter()
    stream.write("[")
    written = 0
    for model in FIXTURE_MODELS:
        label = model._meta.label_lower
        fields = [field for field in model._meta.local_fields if field.serialize]
        natural_key = natural_key_of(model)
        rows = model._base_manager.order_by().values_list("pk", *(f.attname for f in fields))
        if scope is not None:
            public = scope.get(model, set())
            rows = [row for row in rows if row[0] in public]
        objects, keys[model] = [], {}
        for pk, *values in rows:
            data = {}
            for field, value in zip(fields, values, strict=True):
                if field.is_relation and value is not None:
                    value = list(_key_of(field.related_model, value, keys))
                data[field.name] = value
            key = natural_key.compose([data[field.name] for field, _ in natural_key.parts])
            keys[model][pk] = key
            objects.append((_sortable(key), {"model": label, "fields": data}))
        objects.sort(key=lambda pair: pair[0])
        for _, data in objects:
            text = json.dumps(
                data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, separators=(",", ": ")
            )
            stream.write(("," if written else "") + "\n" + text)
            written += 1
        counts[label] = len(objects)
    stream.write("\n]\n")
    return counts


def export_to_file(path, *, published_only=False):
    """Write the fixture JSON to ``path`` at once: into a file beside it, renamed over it only
    when the export is whole, so a failed export leaves no truncated file and keeps any
    earlier one. Returns the number of objects per model label."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(partial, "x", encoding="utf-8") as stream:
            counts = export_fixtures(stream, published_only=published_only)
            stream.flush()
            os.fsync(stream.fileno())
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return counts


def _key_of(model, pk, keys):
    """The natural key of a referenced object: exported earlier, or a user."""
    if model in keys:
        return keys[model][pk]
    others = keys.setdefault(model, {})
    if pk not in others:
        others[pk] = model._default_manager.get(pk=pk).natural_key()
    return others[pk]


def _sortable(key):
    return tuple((part is not None, part if part is not None else "") for part in key)
