"""Bringing deleted records back from their history, with what was deleted along with them."""

import datetime

from django.db import IntegrityError, models, transaction

# Rows deleted in the same cascade are recorded within moments of the record itself.
CASCADE_WINDOW = datetime.timedelta(seconds=10)


class RestoreRefused(Exception):
    """The record cannot be restored; the message says why, for the editor."""


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

    One transaction; every restored row gets a history row with ``user`` and the reason.
    Returns the restored objects, the record first.
    """
    deletion = deleted_records(model).filter(**{model._meta.pk.attname: pk}).first()
    if deletion is None:
        raise RestoreRefused(
            f"There is no deleted {model._meta.verbose_name} with id {pk} to restore."
        )
    reason = reason or f"Restored from its deletion on {deletion.history_date:%Y-%m-%d %H:%M}"
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = _restore_row(deletion, user, reason)
        except IntegrityError as error:
            raise RestoreRefused(
                f"This {model._meta.verbose_name} cannot come back as it was: {error}"
            ) from None
        return [record, *_restore_cascade(model, pk, deletion.history_date, user, reason)]


def _restore_row(historical_record, user, reason):
    instance = historical_record.instance
    instance._change_reason = reason
    instance._history_user = user
    instance.save(force_insert=True)
    return instance


def _restore_cascade(model, pk, deleted_at, user, reason):
    """Restore rows that cascaded with ``model`` ``pk``; skip any whose other links are gone."""
    restored = []
    for relation in model._meta.related_objects:
        related_model = relation.related_model
        if relation.on_delete is not models.CASCADE or not hasattr(related_model, "history"):
            continue
        candidates = deleted_records(related_model).filter(
            **{relation.field.attname: pk},
            history_date__range=(deleted_at - CASCADE_WINDOW, deleted_at + CASCADE_WINDOW),
        )
        for candidate in candidates:
            try:
                with transaction.atomic():
                    row = _restore_row(candidate, user, reason)
            except IntegrityError:
                continue  # e.g. a link row whose other end is deleted too
            restored.append(row)
            restored.extend(_restore_cascade(related_model, row.pk, deleted_at, user, reason))
    return restored
