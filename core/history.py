"""History with a reason: every save and delete of a curated record carries who made it and why
(django-simple-history reads `_history_user` and `_change_reason`)."""

from __future__ import annotations


def history_save(instance, *, user=None, reason: str = "") -> None:
    """Save a model instance, attaching who made the change and why to its history record."""
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    if reason:
        instance._change_reason = reason[:100]
    instance.full_clean()
    instance.save()


def history_delete(instance, *, user=None, reason: str = "") -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    if reason:
        instance._change_reason = reason[:100]
    instance.delete()



def history_bulk_created(model, pks, *, user=None, reason: str = "") -> None:
    """The "created" history records ("+") of many rows just inserted in bulk, copied by the database
    from the rows themselves (INSERT … SELECT), with who and why: what simple_history's
    `bulk_create_with_history` records, without building every historical instance in Python."""
    from django.db import connection
    from django.utils import timezone

    pks = list(pks)
    if not pks:
        return
    history = model.history.model
    columns = [f.column for f in history.tracked_fields]
    names = ", ".join(f'"{c}"' for c in columns)
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{history._meta.db_table}" ({names}, "history_date", "history_change_reason", "history_type", '
            f'"history_user_id") SELECT {names}, %s, %s, %s, %s FROM "{model._meta.db_table}" '
            f'WHERE "{model._meta.pk.column}" = ANY(%s)',
            [timezone.now(), reason[:100] or None, "+", user_id, pks],
        )
