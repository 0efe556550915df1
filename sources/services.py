"""Writes for sources. Every function runs in a transaction and records who and why in the history."""

from __future__ import annotations

from django.db import transaction

from core.history import history_save
from core.partialdates import PartialDate, partial_values
from sources.models import Source


def _apply_published(source: Source, published: PartialDate | None) -> None:
    for name, value in partial_values("published", published).items():
        setattr(source, name, value)


@transaction.atomic
def source_get_or_create(
    *,
    url: str = "",
    title: str,
    publisher: str = "",
    author: str = "",
    published: PartialDate | None = None,
    source_type: str = "",
    language: str = "",
    archive_url: str = "",
    accessed=None,
    notes: str = "",
    user=None,
    reason: str = "",
) -> tuple[Source, bool]:
    """The source with this URL (or, without a URL, this title and publisher), else a new one.

    An existing source is not overwritten: a curator corrects it explicitly with `source_update`.
    """
    url = (url or "").strip()
    if url:
        existing = Source.objects.filter(url=url).first()
    else:
        existing = Source.objects.filter(url="", title__iexact=title.strip(), publisher__iexact=publisher.strip()).first()
    if existing is not None:
        return existing, False
    source = Source(
        url=url,
        title=title.strip(),
        publisher=publisher.strip(),
        author=author,
        language=language,
        archive_url=archive_url,
        accessed=accessed,
        notes=notes,
    )
    if source_type:
        source.source_type = source_type
    _apply_published(source, published)
    history_save(source, user=user, reason=reason or "Source recorded")
    return source, True


@transaction.atomic
def source_update(source: Source, *, user=None, reason: str = "", published: PartialDate | None = ..., **fields) -> Source:
    for name, value in fields.items():
        setattr(source, name, value)
    if published is not ...:
        _apply_published(source, published)
    history_save(source, user=user, reason=reason or "Source updated")
    return source
