"""Admin search that indexes answer, on tables of millions of rows.

Django's admin search ORs ``icontains`` over the search fields, joining the related tables
that fields like ``author__name`` live in. PostgreSQL answers ``UPPER(col) LIKE '%term%'``
from a trigram index on ``UPPER(col)`` (``sources.search_indexes`` adds them), but cannot
combine an index on one table with an index on another across a join in an OR: it reads the
whole list.
So a related field is looked up in its own table first, and the matching ids join the OR as a
list, which the index on the foreign key (or primary key) serves.

A common word can match more related rows than a list should carry (``ID_LIST_LIMIT``). Then
at least one related row in a hundred matches, and walking down the list's order, testing
each row's related field, finds a page of results early. The test is written as a scalar
subquery on purpose: PostgreSQL would turn an ``EXISTS`` into a hash of every match first.
A list whose table holds at most ``SMALL_TABLE`` rows is tested row by row from the start:
looking up a common word among a million related rows costs more than testing a thousand.
"""

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.lookups import IContains

from ..planner import estimated_table_rows, planned_rows
from ..search_terms import WORDS_SEARCHED, search_terms
from .filters import RefusedFilter

ID_LIST_LIMIT = 10_000
SMALL_TABLE = 1_000


def contains(model, field_path, term, looked_up, *, row_by_row=False):
    """A condition on ``model``'s own columns: ``field_path`` contains ``term``, any case.

    ``looked_up`` keeps the ids found per related field, for fields that share one (two foreign keys
    to one table, searched by the same field); ``row_by_row`` tests each row's related field
    without looking the term up in the related table first."""
    name, _, rest = field_path.partition("__")
    if not rest:
        return Q(**{f"{name}__icontains": term})
    field = model._meta.get_field(name)
    related = field.related_model._default_manager.order_by()  # any order: sorting costs
    matching = related.filter(contains(field.related_model, rest, term, looked_up))
    if field.concrete:  # a foreign key on this model
        own, theirs = field.attname, "pk"
    else:  # rows of the related model point at this one
        own, theirs = "pk", field.field.attname
    key = (field.related_model, rest, theirs)
    if not row_by_row:
        if key not in looked_up:
            looked_up[key] = _ids_unless_common(matching.values_list(theirs, flat=True))
        if looked_up[key] is not None:
            return Q(**{f"{own}__any_of": looked_up[key]})
    if field.concrete and _single_valued(field.related_model, rest):
        value = related.filter(pk=OuterRef(own)).values(rest)[:1]
        return Q(IContains(Subquery(value), term))
    return Q(Exists(matching.filter(**{theirs: OuterRef(own)})))


def _ids_unless_common(ids):
    """Up to ``ID_LIST_LIMIT`` ids, or None when more match: the planner's statistics answer
    for a word they know to be common, which is then not read."""
    if (planned_rows(ids) or 0) > ID_LIST_LIMIT:
        return None
    found = list(ids[: ID_LIST_LIMIT + 1])
    return found if len(found) <= ID_LIST_LIMIT else None


def _single_valued(model, field_path):
    """Whether ``field_path`` follows foreign keys only, so names one value per row."""
    *relations, _ = field_path.split("__")
    for name in relations:
        field = model._meta.get_field(name)
        if not field.concrete:
            return False
        model = field.related_model
    return True


def search(queryset, search_fields, search_term):
    """Rows where every word of the search is in one of the fields; never a duplicate row.

    At most ``WORDS_SEARCHED`` words: each is a lookup of its own."""
    if not search_fields:
        return queryset
    if len(list(search_terms(search_term))) > WORDS_SEARCHED:
        raise RefusedFilter(f"Search for at most {WORDS_SEARCHED} words or phrases at a time.")
    rows = estimated_table_rows(queryset.model, queryset.db)
    row_by_row = rows is not None and rows <= SMALL_TABLE
    for term in search_terms(search_term):
        looked_up = {}
        conditions = [
            contains(queryset.model, field, term, looked_up, row_by_row=row_by_row)
            for field in search_fields
        ]
        queryset = queryset.filter(reduce(or_, conditions))
    return queryset
