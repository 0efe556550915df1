"""Compare up to four pairings side by side (/compare/?p=slug&p=slug…): status and since, who made the
latest decision and the vote, the first source, agreements. Without JS: pairings are added by a name
search on the page itself. A fixed number of queries however many pairings are compared."""

from __future__ import annotations

from django.db.models import F
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from twinning import search
from twinning.constants import DECISION_TYPES
from twinning.models import Agreement, Event, EventCitation, Pairing, PairingCitation

MAX_COMPARED = 4


def _first_sources(ids) -> dict[int, object]:
    """For each pairing, its earliest-published source (then the first cited), over its events' and
    its own citations."""
    candidates: dict[int, list] = {}
    for model, pairing_field in ((EventCitation, "event__pairing_id"), (PairingCitation, "pairing_id")):
        for citation in model.objects.filter(**{f"{pairing_field}__in": ids}).select_related("source").annotate(owner=F(pairing_field)):
            candidates.setdefault(citation.owner, []).append(citation.source)
    first = {}
    for pairing_id, sources in candidates.items():
        dated = [s for s in sources if s.published]
        first[pairing_id] = min(dated, key=lambda s: (s.published, s.pk)) if dated else min(sources, key=lambda s: s.pk)
    return first


@require_safe
def compare(request):
    slugs = list(dict.fromkeys(s.strip()[:240] for s in request.GET.getlist("p") if s.strip()))
    messages = []
    if len(slugs) > MAX_COMPARED:
        messages.append(_("Up to %(n)d pairings can be compared; showing the first %(n)d.") % {"n": MAX_COMPARED})
        slugs = slugs[:MAX_COMPARED]
    found = {p.slug: p for p in Pairing.objects.select_related("place_a", "place_b").filter(slug__in=slugs)}
    missing = [s for s in slugs if s not in found]
    if missing:
        messages.append(_("Not in the register: %(slugs)s") % {"slugs": ", ".join(missing)})
    pairings = [found[s] for s in slugs if s in found]
    ids = [p.pk for p in pairings]

    decisions: dict[int, Event] = {}
    for event in Event.objects.filter(pairing_id__in=ids, event_type__in=DECISION_TYPES).order_by("-date", "-order", "-id"):
        decisions.setdefault(event.pairing_id, event)
    agreements: dict[int, list] = {}
    for agreement in Agreement.objects.filter(pairing_id__in=ids).order_by("signed", "id"):
        agreements.setdefault(agreement.pairing_id, []).append(agreement)
    first_sources = _first_sources(ids) if ids else {}
    for pairing in pairings:
        pairing.decision = decisions.get(pairing.pk)
        pairing.agreement_list = agreements.get(pairing.pk, [])
        pairing.first_source = first_sources.get(pairing.pk)
        pairing.others = [s for s in slugs if s != pairing.slug and s in found]

    q = request.GET.get("q", "").strip()[:100]
    results = []
    if q and len(pairings) < MAX_COMPARED:
        try:
            found = search.pairings_matching(
                Pairing.objects.select_related("place_a", "place_b").exclude(pk__in=ids).order_by("sort_a", "sort_b", "id"), q
            )
            results = list(found[:10])
        except search.SearchError:
            results = []
    return render(
        request, "web/compare.html",
        {"pairings": pairings, "slugs": [p.slug for p in pairings], "messages_": messages, "q": q, "results": results,
         "max": MAX_COMPARED, "searched": bool(q)},
        status=200 if pairings or not slugs else 404,
    )
