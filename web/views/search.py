"""Place and pairing suggestions as you type: a small JSON answer for static/js/suggest.js, from the
same search selector as the pairing list's `q` and the API (twinning.search). Without JavaScript the
search forms submit to the pairing list, which shows the same matches."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from twinning import search
from twinning.models import Pairing
from web.templatetags.twinwatch import country as country_label
from web.templatetags.twinwatch import status_label

MAX_PLACES = 6
MAX_PAIRINGS = 5


def _list_url(query: str) -> str:
    return f"{reverse('pairing-list')}?{urlencode({'q': query})}"


@require_safe
def suggest(request):
    """`?q=`: up to five pairings and six places matching it, "did you mean" offers, the link to all
    results, and the labels to show (in the page's language). Two queries; a bad `q` answers 400."""
    text = request.GET.get("q", "")
    if "\x00" in text:
        return JsonResponse({"error": _("The search contains a character that cannot be searched.")}, status=400)
    try:
        found = search.search(text[: search.MAX_QUERY_LENGTH * 4])
    except search.SearchError:
        return JsonResponse(
            {"error": _("Search for at most %(n)d characters.") % {"n": search.MAX_QUERY_LENGTH}}, status=400
        )
    pairings = []
    if found.terms:
        rows = search.pairings_matching(Pairing.objects.select_related("place_a", "place_b"), text, result=found)
        pairings = [
            {
                "title": f"{p.place_a.name} – {p.place_b.name}",
                "detail": status_label(p.status),
                "url": p.get_absolute_url(),
            }
            for p in rows[:MAX_PAIRINGS]
        ]
    places = []
    for hit in found.all_terms()[:MAX_PLACES]:
        place = hit.place
        detail = [d for d in (place.local_name, country_label(place.country)) if d]
        if hit.matched_name:
            detail.append(_("also “%(name)s”") % {"name": hit.matched_name})
        places.append({"title": place.name, "detail": " · ".join(detail), "url": place.get_absolute_url()})
    offers = search.did_you_mean(found) if not (places and found.exact) else []
    return JsonResponse(
        {
            "query": text,
            "pairings": pairings,
            "places": places,
            "did_you_mean": [{"title": offer, "url": _list_url(offer)} for offer in offers],
            "search_url": _list_url(text),
            "labels": {
                "pairings": _("Pairings"),
                "places": _("Places"),
                "did_you_mean": _("Did you mean"),
                "all": _("All results for “%(q)s”") % {"q": text},
                "none": _("No place or pairing in the register has a name like this."),
                "count": _("%(n)d suggestions") % {"n": len(pairings) + len(places) + len(offers)},
            },
        },
        json_dumps_params={"ensure_ascii": False},
    )
