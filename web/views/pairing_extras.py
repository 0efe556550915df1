"""Pages about one pairing beyond its own page, for journalists and campaigners: its public change
history, how to cite it, an embeddable badge and card, and side-by-side comparison."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from twinning import changes
from twinning.models import Pairing


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
