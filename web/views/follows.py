"""Follow a place or a campaign by e-mail, beside its Atom feed: double opt-in (a signed link mailed to
the address confirms it), an unsubscribe link in every e-mail, digests by `send_follow_digest`.

Links in e-mails only show a page with a button: mail scanners that open links must not confirm or
unsubscribe anyone. The unsubscribe POST needs no CSRF token (its signed token is the authority), so
mail clients' one-click unsubscribe (RFC 8058) works."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from campaigns.models import Campaign
from core.ratelimit import rate_limited
from twinning.models import Place
from web import services
from web.forms import FollowForm


@require_http_methods(["GET", "HEAD", "POST"])
def follow(request, kind: str, slug: str):
    place = get_object_or_404(Place, slug=slug) if kind == "place" else None
    campaign = get_object_or_404(Campaign, slug=slug) if kind == "campaign" else None
    subject = place or campaign
    status = 200
    if request.method == "POST":
        form = FollowForm(request.POST)
        if rate_limited(request, scope="follow", limit=int(getattr(settings, "FOLLOWS_PER_HOUR", 10)), window=3600):
            form.is_valid()
            form.add_error(None, _("Too many requests from your address in the last hour. Please try again later."))
            status = 429
        elif form.is_valid():
            services.follow_request(email=form.cleaned_data["email"], place=place, campaign=campaign)
            return redirect("follow-sent")
        else:
            status = 400
        form.refresh_stamp()
    else:
        form = FollowForm()
    feed = f"{subject.get_absolute_url()}feed/"
    return render(request, "web/follow_form.html", {"form": form, "subject": subject, "feed": feed}, status=status)


@require_safe
def follow_sent(request):
    return render(request, "web/follow_done.html", {"message": _(
        "Check your inbox: we have sent a link to confirm. Nothing will be sent until you open it."
    )})


@require_http_methods(["GET", "HEAD", "POST"])
def follow_confirm(request, token: str):
    follow = services.follow_from_token(token, "confirm")
    if follow is None:
        return render(request, "web/follow_done.html", {"message": _(
            "This confirmation link is not valid or has expired. Please ask to follow again."
        )}, status=404)
    if request.method == "POST":
        services.follow_confirm(follow)
        return render(request, "web/follow_done.html", {"message": _(
            "Confirmed. You will receive an e-mail when new events are recorded for %(name)s."
        ) % {"name": follow.subject}})
    return render(request, "web/follow_action.html", {
        "follow": follow, "button": _("Confirm"),
        "question": _("Receive an e-mail when new events are recorded for %(name)s?") % {"name": follow.subject},
    })


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def follow_unsubscribe(request, token: str):
    follow = services.follow_from_token(token, "unsubscribe")
    if request.method == "POST":
        if follow is not None:
            services.follow_cancel(follow)
        return render(request, "web/follow_done.html", {"message": _(
            "You will receive no more e-mails about this, and we have deleted your address from this list."
        )})
    if follow is None:
        return render(request, "web/follow_done.html", {"message": _(
            "You are not following this (any more)."
        )}, status=404)
    return render(request, "web/follow_action.html", {
        "follow": follow, "button": _("Unsubscribe"),
        "question": _("Stop the e-mails about %(name)s?") % {"name": follow.subject},
    })
