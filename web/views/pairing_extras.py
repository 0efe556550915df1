"""Pages about one pairing beyond its own page, for journalists and campaigners: its public change
history, how to cite it, an embeddable badge and card, and side-by-side comparison."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from core.partialdates import partial_date_of
from twinning import public_changes as changes
from twinning import world
from twinning.constants import Status
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


# --- Embeds: the only framable routes ---------------------------------------------------------

STATUS_COLOURS = {
    "active": "#1e6b35", "retained": "#1d4ed8", "under_review": "#8a4b00", "proposed": "#6b21a8",
    "suspended": "#a63a00", "dormant": "#57606a", "lapsed": "#735600", "severed": "#b3261e", "listed": "#5b4b8a",
    "unknown": "#3f3f46",
}
# Any site may frame these two (campaign sites embed them); every other page keeps frame-ancestors 'none'
# and X-Frame-Options DENY.
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}
EMBED_MAX_AGE = 3600


def _embeddable(view):
    return xframe_options_exempt(csp_override(EMBED_CSP)(cache_control(max_age=EMBED_MAX_AGE, public=True)(view)))


def _embed_language(request):
    """An embed lives on someone else's page: its language is the one asked for (?lang=zh-hant),
    else the visitor's."""
    lang = request.GET.get("lang", "")
    return lang if lang in dict(settings.LANGUAGES) else translation.get_language()


def badge_text(pairing) -> tuple[str, str]:
    """The status words and the "since" part of a pairing's badge. A listed pairing says it is listed
    by Wikidata and not checked; no date is shown for a status without one."""
    label = world.status_label(pairing.status, pairing.status_since)
    since = ""
    if pairing.status not in (Status.LISTED, Status.UNKNOWN) and pairing.status_since:
        since = _("since %(date)s") % {"date": partial_date_of(pairing, "status_since").display()}
    return label, since


def _text_width(text: str) -> int:
    """Rough width in pixels at 11px sans-serif (wide characters count double)."""
    return sum(12 if ord(ch) > 0x2E80 else 7 for ch in text) + 12


@require_safe
@_embeddable
def pairing_badge(request, slug: str):
    pairing = _pairing(slug)
    with translation.override(_embed_language(request)):
        label, since = badge_text(pairing)
        name = f"{pairing.place_a.name} – {pairing.place_b.name}"
        title = f"{name}: {label}" + (f", {since}" if since else "") + " (Twinwatch)"
        left = _text_width(label)
        right = _text_width(since) if since else 0
        body = render_to_string(
            "web/badge.svg",
            {
                "title": title, "label": label, "since": since, "left": left, "right": right, "width": left + right,
                "colour": STATUS_COLOURS.get(pairing.status, "#3f3f46"),
            },
        )
    return HttpResponse(body, content_type="image/svg+xml; charset=utf-8")


@require_safe
@_embeddable
def pairing_embed(request, slug: str):
    pairing = _pairing(slug)
    with translation.override(_embed_language(request)):
        label, since = badge_text(pairing)
        response = render(
            request, "web/embed_card.html",
            {"pairing": pairing, "label": label, "since": since, "colour": STATUS_COLOURS.get(pairing.status, "#3f3f46"),
             "LANGUAGE_CODE": translation.get_language()},
        )
    return response
