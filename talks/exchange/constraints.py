"""The models' database rules, evaluated in Python on a row, with SQL's three-valued logic.

Each ``Meta.constraints`` entry of a fixture model becomes a function of a row (in
``fixture_fields`` order): a CHECK constraint gives True, False or None (unknown), and is
broken only by False; a unique constraint gives the values it keeps unique. The database
still holds every rule itself; checking them here names every broken object before anything
is written, which the database cannot do.
"""

import operator
import re

from django.db import models
from django.db.models.functions import Coalesce, Greatest, Least, Lower, Upper

LOOKUPS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda value, values: value in values,
    "regex": lambda value, pattern: re.search(pattern, value) is not None,
}


def compile_condition(condition, positions):
    """A function of a row giving True, False or None (SQL's unknown) for a ``Q`` condition.

    A CHECK constraint is broken only when its condition is False. ``positions`` gives each
    field's place in the row; foreign keys hold a primary key or the object to be created.
    """
    if isinstance(condition, models.Q):
        children = [compile_condition(child, positions) for child in condition.children]
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
    left = compile_expression(models.F(name), positions)
    if operation == "isnull":
        return lambda row: (left(row) is None) == bool(right)
    is_null_test = operation == "exact" and right is None  # Django's field=None: IS NULL
    right = compile_expression(right, positions)
    compare = LOOKUPS[operation]

    def compared(row):
        left_value, right_value = left(row), right(row)
        if is_null_test:
            return left_value is None
        if left_value is None or right_value is None:
            return None
        return compare(left_value, right_value)

    return compared


def compile_expression(expression, positions):
    """A function of a row giving the value of a constraint's expression; None is NULL."""
    if isinstance(expression, models.F):
        return operator.itemgetter(positions[expression.name])
    if isinstance(expression, models.Value):
        value, output = expression.value, expression._output_field_or_none
        value = output.to_python(value) if output is not None and value is not None else value
        return lambda row: value
    if not hasattr(expression, "resolve_expression"):  # a plain value
        return lambda row: expression
    parts = [compile_expression(e, positions) for e in expression.get_source_expressions()]
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


def referenced_fields(node, positions):
    """The field names a condition or expression reads."""
    if isinstance(node, models.F):
        return {node.name}
    if isinstance(node, models.Q):
        names = set()
        for child in node.children:
            if isinstance(child, models.Q):
                names |= referenced_fields(child, positions)
            else:
                lookup, right = child
                name = lookup.rsplit("__", 1)[0] if "__" in lookup else lookup
                names |= {name if name in positions else lookup}
                names |= referenced_fields(right, positions)
        return names
    if hasattr(node, "get_source_expressions"):
        return set().union(
            *(referenced_fields(e, positions) for e in node.get_source_expressions())
        )
    return set()


def only_field(names):
    """The one field a rule is about, to name it in the problem; "" when it spans several."""
    return next(iter(names)) if len(names) == 1 else ""


class Unique:
    """A unique constraint, checked within the file and against the rows in the database."""

    def __init__(self, constraint, positions, key_fields):
        self.constraint = constraint
        self.message = constraint.violation_error_message
        self.expressions = [models.F(name) for name in constraint.fields] or list(
            constraint.expressions
        )
        self.is_natural_key = bool(constraint.fields) and set(constraint.fields) == set(key_fields)
        self._parts = [compile_expression(e, positions) for e in self.expressions]
        condition = constraint.condition
        self._applies = compile_condition(condition, positions) if condition is not None else None
        names = set().union(*(referenced_fields(e, positions) for e in self.expressions))
        if condition is not None:
            names |= referenced_fields(condition, positions)
        self.field = only_field(names)

    def value(self, row):
        """The tuple the constraint keeps unique, or None when it does not apply to the row."""
        if self._applies is not None and not self._applies(row):
            return None
        value = tuple(part(row) for part in self._parts)
        return None if None in value else value
