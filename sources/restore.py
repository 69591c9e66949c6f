"""Bringing deleted records back from their history, with what was deleted along with them."""

import dataclasses
import datetime

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, connections, models, router, transaction

# Rows deleted in the same cascade are recorded within moments of the record itself.
CASCADE_WINDOW = datetime.timedelta(seconds=10)


class RestoreRefused(Exception):
    """The record cannot be restored; the message says why, for the editor."""


@dataclasses.dataclass
class Restored:
    """What a restore brought back, and what it could not, each named for the editor."""

    record: models.Model
    along: list = dataclasses.field(default_factory=list)
    left_out: list = dataclasses.field(default_factory=list)


def deleted_records(model):
    """The last history row of each deleted object of ``model`` that is still gone."""
    pk_name = model._meta.pk.attname
    newest = (
        model.history.filter(**{pk_name: models.OuterRef(pk_name)})
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return (
        model.history.filter(history_type="-", history_id=models.Subquery(newest))
        .exclude(**{f"{pk_name}__in": model._default_manager.values("pk")})
        .select_related("history_user")
        .order_by("-history_date")
    )


def restore_deleted(model, pk, *, user, reason=""):
    """Restore the deleted object ``pk`` of ``model`` and the rows its deletion took along.

    One transaction; every restored row gets a history row with ``user`` and the reason. What
    a row points at is checked before it is written (PostgreSQL would check its foreign keys
    only at commit, past any code that could still skip the row): the record itself is
    refused when it cannot come back, a row taken along with it is left out and named.
    """
    deletion = deleted_records(model).filter(**{model._meta.pk.attname: pk}).first()
    if deletion is None:
        raise RestoreRefused(
            f"There is no deleted {model._meta.verbose_name} with id {pk} to restore."
        )
    reason = reason or f"Restored from its deletion on {deletion.history_date:%Y-%m-%d %H:%M}"
    with transaction.atomic(using=router.db_for_write(model)):
        record = deletion.instance
        problems = _bring_back(record, user, reason)
        if problems:
            raise RestoreRefused(
                f"This {model._meta.verbose_name} cannot come back as it was: "
                f"{'; '.join(problems)}."
            )
        restored = Restored(record)
        _restore_cascade(model, pk, deletion.history_date, user, reason, restored)
        return restored


def _why_not(instance, user):
    """What keeps ``instance`` from coming back: the rows it points at that are gone, a row
    that holds its place now (a unique value taken), or the rules of the desk."""
    problems = [
        f"its {field.verbose_name} (#{value}) is deleted; restore that first"
        for field in instance._meta.concrete_fields
        if field.many_to_one
        and (value := getattr(instance, field.attname)) is not None
        and not field.related_model._base_manager.filter(pk=value).exists()
    ]
    if problems:
        return problems
    try:
        instance.validate_unique()
        instance.validate_constraints()
    except ValidationError as invalid:
        return invalid.messages
    refusal = getattr(instance, "editorial_refusal", None)
    if user is not None and refusal is not None and refusal(user, {}):
        return [refusal(user, {})]
    return []


def _bring_back(instance, user, reason):
    """Insert ``instance`` again, with its history row; what keeps it from coming back, if
    anything does (then nothing is written)."""
    problems = _why_not(instance, user)
    if not problems and not _restore_row(instance, user, reason):
        problems = ["the database refused it"]
    return problems


def _restore_row(instance, user, reason):
    """Insert ``instance`` again, with its history row; False if the database refuses it.

    Inside a savepoint, with PostgreSQL's deferred checks made immediate, so that a refusal
    is seen here and undone alone, never at commit.
    """
    instance._change_reason = reason
    instance._history_user = user
    connection = connections[router.db_for_write(type(instance))]
    try:
        with transaction.atomic(using=connection.alias):
            instance.save(force_insert=True)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    except IntegrityError:
        return False
    finally:
        if connection.vendor == "postgresql" and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return True


def _restore_cascade(model, pk, deleted_at, user, reason, restored):
    """Restore rows that cascaded with ``model`` ``pk``; name any that cannot come back."""
    for relation in model._meta.related_objects:
        related_model = relation.related_model
        if relation.on_delete is not models.CASCADE or not hasattr(related_model, "history"):
            continue
        candidates = deleted_records(related_model).filter(
            **{relation.field.attname: pk},
            history_date__range=(deleted_at - CASCADE_WINDOW, deleted_at + CASCADE_WINDOW),
        )
        for candidate in candidates:
            row = candidate.instance
            problems = _bring_back(row, user, reason)
            if problems:
                restored.left_out.append(
                    f"the {related_model._meta.verbose_name} “{row_name(row)}”: "
                    + "; ".join(problems)
                )
                continue
            restored.along.append(row)
            _restore_cascade(related_model, row.pk, deleted_at, user, reason, restored)


def row_name(row):
    """The row as editors know it, or its id when naming it needs a row that is gone."""
    try:
        return str(row)
    except ObjectDoesNotExist:
        return f"#{row.pk}"
