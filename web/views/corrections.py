"""Suggest a correction (or a pairing not in the register): a public form, no account needed.

Stored for curators to triage in the admin (web.admin); never shown publicly. CSRF-protected, spam-
resistant (honeypot and minimum fill time, core.antispam), size-limited and rate-limited per client
address (core.ratelimit)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.ratelimit import rate_limited
from twinning.models import Pairing, Place
from web import services
from web.forms import CorrectionForm
from web.models import CorrectionKind


def _subject(request, pairing_slug: str | None):
    """The pairing or place the suggestion is about: from the URL, else ?pairing= or ?place=."""
    pairing_slug = pairing_slug or request.GET.get("pairing")
    if pairing_slug:
        return get_object_or_404(Pairing.objects.select_related("place_a", "place_b"), slug=pairing_slug[:240]), None
    place_slug = request.GET.get("place")
    if place_slug:
        return None, get_object_or_404(Place, slug=place_slug[:220])
    return None, None


@require_http_methods(["GET", "HEAD", "POST"])
def correction(request, slug: str | None = None):
    pairing, place = _subject(request, slug)
    subject = pairing or place
    status = 200
    if request.method == "POST":
        form = CorrectionForm(request.POST, about_pairing=pairing is not None)
        limit = int(getattr(settings, "CORRECTIONS_PER_HOUR", 10))
        if rate_limited(request, scope="correction", limit=limit, window=3600):
            form.is_valid()
            form.add_error(None, _("Too many suggestions from your address in the last hour. Please try again later."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            services.correction_submit(
                text=data["text"], kind=data["kind"], pairing=pairing, place=place,
                page=subject.get_absolute_url() if subject else "", source_url=data["source_url"], email=data["email"],
            )
            return redirect("correction-thanks")
        else:
            status = 400
        form.refresh_stamp()
    else:
        initial = {}
        if request.GET.get("kind") == CorrectionKind.NEW_PAIRING:
            initial["kind"] = CorrectionKind.NEW_PAIRING
        form = CorrectionForm(initial=initial, about_pairing=pairing is not None)
    return render(
        request, "web/correction_form.html", {"form": form, "pairing": pairing, "place": place}, status=status
    )


@require_safe
def correction_thanks(request):
    return render(request, "web/correction_thanks.html")
