"""Keyset pagination: a page is the rows after the last one seen, in a fixed order.

The cursor is that last row's ordering values, opaque to clients (URL-safe base64 of JSON).
A page costs the same wherever it is in the list, and a claim published while a client pages
never shifts the rows it has still to read, as an offset would.
"""

import base64
import binascii
import json

from django.core.exceptions import ValidationError
from django.db.models import Q
from ninja.errors import HttpError

DEFAULT_SIZE = 20
LARGEST_SIZE = 100


def keyset_page(rows, *, order, cursor, size, next_url):
    """One page of ``rows`` in ``order`` (field names, "-" for descending, ending with a unique
    one) after ``cursor``: {"next": the next page's URL or None, "results": the rows}."""
    if cursor:
        rows = rows.filter(_after(order, _decode(cursor, rows.model, order)))
    found = list(rows.order_by(*order)[: size + 1])
    more = len(found) > size
    found = found[:size]
    return {
        "next": next_url(_encode(found[-1], order)) if more else None,
        "results": found,
    }


def _after(order, values):
    """The rows that come after ``values`` in ``order``."""
    condition = Q(pk__in=[])
    for position, field in enumerate(order):
        name = field.lstrip("-")
        same = {f.lstrip("-"): value for f, value in zip(order[:position], values, strict=False)}
        direction = "lt" if field.startswith("-") else "gt"
        condition |= Q(**same, **{f"{name}__{direction}": values[position]})
    return condition


def _encode(row, order):
    values = [_field_value(row, field.lstrip("-")) for field in order]
    text = json.dumps(values, default=str, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor, model, order):
    """The cursor's values, each as its field reads it, or a 400 for a cursor not ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(order):
            raise ValueError
        fields = [_model_field(model, field.lstrip("-")) for field in order]
        return [field.to_python(value) for field, value in zip(fields, values, strict=True)]
    except (ValueError, TypeError, binascii.Error, ValidationError, UnicodeError) as error:
        raise HttpError(400, "This cursor is not one the API gave.") from error


def _model_field(model, name):
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _field_value(row, name):
    return row.pk if name == "pk" else getattr(row, name)
