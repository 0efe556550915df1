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

