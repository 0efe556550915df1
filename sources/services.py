"""Writes for sources. Every function runs in a transaction and records who and why in the history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from core.history import history_delete, history_save
from core.partialdates import PartialDate, partial_values
from sources.models import CitationBase, Source


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


@dataclass(frozen=True)
class Cite:
    """A citation to attach: the source, an optional locator and short quote, and for events the
    date this source gives when it differs from others."""

    source: Source
    locator: str = ""
    quote: str = ""
    claimed_date: PartialDate | None = None


def citation_values(citation: CitationBase, cite: Cite, *, replace: bool) -> dict:
    """The locator and quote to store: as given with `replace` (a curator's edit, blanks clear), else
    the given ones with blanks keeping what the citation already says (an import citing again)."""
    if replace:
        return {"locator": cite.locator, "quote": cite.quote}
    return {"locator": cite.locator or citation.locator, "quote": cite.quote or citation.quote}


@transaction.atomic
def citation_set(
    model: type[CitationBase], *, owner_field: str, owner, cite: Cite, replace: bool = False, user=None, reason: str = ""
) -> CitationBase:
    """Cite `cite.source` for `owner` in its app's citation table `model`, or update that citation's
    locator and quote (see `citation_values`). Nothing is written when nothing changes."""
    citation = model.objects.filter(**{owner_field: owner}, source=cite.source).first()
    if citation is None:
        citation = model(**{owner_field: owner}, source=cite.source)
    values = citation_values(citation, cite, replace=replace)
    if citation.pk is not None and all(getattr(citation, name) == value for name, value in values.items()):
        return citation
    for name, value in values.items():
        setattr(citation, name, value)
    history_save(citation, user=user, reason=reason or "Source cited")
    return citation


@transaction.atomic
def citation_delete(citation: CitationBase, *, user=None, reason: str = "") -> None:
    """Remove a citation (the source itself stays), recording who and why."""
    history_delete(citation, user=user, reason=reason or "Citation removed")


def sources_bulk_record(sources: list[Source], *, user=None, reason: str = "") -> list[Source]:
    """Store many new sources at once (a spreadsheet import), each with its history record (who, why).
    The caller has checked their fields (`clean_fields`, `clean`); the database checks uniqueness."""
    from core.history import history_bulk_created

    created = Source.objects.bulk_create(list(sources), batch_size=2000)
    history_bulk_created(Source, [s.pk for s in created], user=user, reason=reason or "Source recorded")
    return created
