"""Public slugs: unique per model, stable once given, and race-safe when two requests create at once."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

SLUG_ATTEMPTS = 25  # each lost race means another create committed: N concurrent creates need at most N - 1 retries


def unique_slug(model, base: str) -> str:
    """`base` (already a slug), or `base-2`, `base-3`… — the first not yet used by `model`."""
    base = (base or "item")[:200].strip("-") or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def save_with_unique_slug(obj, base: str, save: Callable[[], None]) -> None:
    """Give `obj` the first free slug from `base` and `save()` it, in a savepoint. When a concurrent
    transaction takes the same slug first (the unique index answers IntegrityError, or full_clean a
    ValidationError on the slug), choose again from what is now committed; any other error is raised."""
    model = type(obj)
    for attempt in range(SLUG_ATTEMPTS):
        obj.slug = unique_slug(model, base)
        try:
            with transaction.atomic():
                save()
            return
        except (IntegrityError, ValidationError) as exc:
            taken = model.objects.filter(slug=obj.slug).exists()
            slug_error = isinstance(exc, IntegrityError) or "slug" in getattr(exc, "error_dict", {})
            if not (taken and slug_error) or attempt == SLUG_ATTEMPTS - 1:
                raise
            obj.pk = None
            obj._state.adding = True


def advisory_lock(key: str) -> None:
    """Hold a PostgreSQL transaction-level advisory lock named by `key` until the transaction ends,
    so that check-then-create on the same key is serialised (call inside transaction.atomic)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def unique_slugs(model, bases: list[str]) -> list[str]:
    """`unique_slug` for many new records at once (a bulk import): each base, or `base-2`, `base-3`…,
    free in `model` and among the others, in two queries. Call under a lock that serialises such
    imports; a concurrent single create is still caught by the unique index."""
    from collections import Counter

    from django.db.models import Q

    bases = [(base or "item")[:200].strip("-") or "item" for base in bases]
    distinct = set(bases)
    taken = set(model.objects.filter(slug__in=distinct).values_list("slug", flat=True))
    repeated = Counter(bases)
    crowded = sorted(base for base in distinct if base in taken or repeated[base] > 1)
    for start in range(0, len(crowded), 500):
        match = Q()
        for base in crowded[start : start + 500]:
            match |= Q(slug__startswith=f"{base}-")
        taken |= set(model.objects.filter(match).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs
