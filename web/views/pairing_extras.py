"""Pages about one pairing beyond its own page, for journalists and campaigners: its public change
history, how to cite it, an embeddable badge and card, and side-by-side comparison."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from twinning import changes
from twinning.models import Pairing
from web.citation import pairing_citation


def _pairing(slug: str) -> Pairing:
    return get_object_or_404(Pairing.objects.select_related("place_a", "place_b"), slug=slug)


@require_safe
def pairing_history(request, slug: str):
    pairing = _pairing(slug)
    return render(
        request,
        "web/pairing_history.html",
        {"pairing": pairing, "changes": changes.pairing_changes(pairing), "kind_labels": changes.KIND_LABELS},
    )


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def pairing_cite_bibtex(request, slug: str):
    citation = pairing_citation(_pairing(slug))
    return _download(citation.bibtex, "application/x-bibtex; charset=utf-8", f"{citation.key}.bib")


@require_safe
def pairing_cite_csl(request, slug: str):
    citation = pairing_citation(_pairing(slug))
    return _download(citation.csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8", f"{citation.key}.json")
