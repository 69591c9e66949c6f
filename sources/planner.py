"""What PostgreSQL's planner expects of a table or a query, from its statistics, at the cost of
planning only: enough to choose between two ways of reading before reading either.
Elsewhere (SQLite) there is no estimate: None."""

from django.db import connections


def estimated_table_rows(model, using):
    """The planner's estimate of the rows in ``model``'s PostgreSQL table (0 when empty); None
    on other databases and for a table not analysed yet."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


def planned_rows(queryset):
    """How many rows PostgreSQL's planner expects the query to give, from its statistics; None
    on other databases. An EXPLAIN, which plans the query and runs nothing."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    if queryset.query.is_empty():  # .none(): there is no SQL to plan
        return 0
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    return plan[0]["Plan"]["Plan Rows"]
