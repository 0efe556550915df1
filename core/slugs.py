"""Public slugs: unique per model, stable once given."""

from __future__ import annotations


def unique_slug(model, base: str) -> str:
    """`base` (already a slug), or `base-2`, `base-3`… — the first not yet used by `model`."""
    base = (base or "item")[:200].strip("-") or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug

