"""Atom feeds of decisions: all of them, per place and per campaign."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from campaigns import selectors as campaign_selectors
from campaigns.models import Campaign
from twinning.constants import DECISION_TYPES, Status
from twinning.models import Event, Place
from twinning.status import TIMELINE_ORDER_DESC

FEED_SIZE = 50

# XML 1.0 cannot carry these; a stray one in a summary must not turn the feed into a 500.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


class PlainTextAtomFeed(Atom1Feed):
    """Atom with entry summaries as `type="text"`: a summary is what a curator typed, never markup,
    so feed readers show `<img onerror=…>` as the characters it is instead of rendering it.
    (Django's Atom1Feed declares every description `type="html"`.)"""

    def add_item_elements(self, handler, item):
        description = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if description:
            handler.addQuickElement("summary", xml_text(description), {"type": "text"})


class DecisionsFeed(Feed):
    feed_type = PlainTextAtomFeed

    def decisions(self):
        return (
            Event.objects.filter(event_type__in=DECISION_TYPES)
            .select_related("pairing__place_a", "pairing__place_b")
            .order_by(*TIMELINE_ORDER_DESC)
        )

    def title(self, obj=None):
        return _("Twinwatch: latest decisions on twin-city and sister-city relationships")

    def subtitle(self, obj=None):
        return _("Council and government decisions to keep, review, suspend or sever twinning relationships, with sources.")

    def link(self, obj=None):
        return reverse("pairing-list")

    def feed_url(self, obj=None):
        return reverse("feed-decisions")

    def items(self, obj=None):
        return self.decisions()[:FEED_SIZE]

    def item_title(self, item: Event):
        return xml_text(f"{item.pairing}: {item.get_event_type_display()} ({item.when.display()})")

    def item_description(self, item: Event):
        parts = [item.summary] if item.summary else []
        if item.status_after:
            parts.append(_("Status after this event: %(status)s.") % {"status": Status(item.status_after).label})
        return " ".join(parts)

    def item_link(self, item: Event):
        return f"{item.pairing.get_absolute_url()}#event-{item.pk}"

    def item_guid(self, item: Event):
        return f"twinwatch-event-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Event):
        return dt.datetime.combine(item.date, dt.time(), tzinfo=dt.UTC)

    def item_updateddate(self, item: Event):
        return item.updated_at

    def item_categories(self, item: Event):
        return [item.event_type, item.pairing.status]


class PlaceDecisionsFeed(DecisionsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Place, slug=slug)

    def title(self, obj):
        return _("Twinwatch: decisions on the pairings of %(place)s") % {"place": xml_text(obj.name)}

    def link(self, obj):
        return obj.get_absolute_url()

    def feed_url(self, obj):
        return reverse("place-feed", kwargs={"slug": obj.slug})

    def items(self, obj):
        return self.decisions().filter(Q(pairing__place_a=obj) | Q(pairing__place_b=obj))[:FEED_SIZE]


class CampaignDecisionsFeed(DecisionsFeed):
    """Decisions on the pairings a campaign targets (directly or through a targeted place)."""

    def get_object(self, request, slug):
        return get_object_or_404(Campaign, slug=slug)

    def title(self, obj):
        return _("Twinwatch: decisions on pairings targeted by %(campaign)s") % {"campaign": xml_text(obj.name)}

    def link(self, obj):
        return obj.get_absolute_url()

    def feed_url(self, obj):
        from django.urls import reverse

        return reverse("campaign-feed", kwargs={"slug": obj.slug})

    def items(self, obj):
        return self.decisions().filter(pairing__in=campaign_selectors.pairing_ids_targeted_by(obj.pk))[:FEED_SIZE]
