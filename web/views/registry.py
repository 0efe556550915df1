"""The register's own pages: browse pairings, a pairing, a place, campaigns, a source."""

from __future__ import annotations

from django import forms
from django.db.models import Case, F, IntegerField, Prefetch, Value, When
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from rest_framework.exceptions import ValidationError as DRFValidationError

from campaigns import selectors as campaign_selectors
from campaigns.filters import PairingWithCampaignFilter
from campaigns.models import (
    Campaign,
    CampaignCitation,
    CampaignTarget,
    Organisation,
    OrganisationCitation,
    PetitionCitation,
    SignatureCount,
)
from core.api.pagination import CappedIdsFirstPaginator, IdsFirstPaginator
from sources.models import Source
from twinning import search, selectors, world
from twinning.constants import DECISION_TYPES, STATUS_ORDER, Relationship, Status
from twinning.models import (
    AgreementCitation,
    Event,
    EventCitation,
    Pairing,
    PairingCitation,
    Place,
    SlugRedirect,
)
from web.caching import public_page

PAGE_SIZE = 25

SORTS = {
    "relevance": (gettext_lazy("Best match (with a search)"), ["id"]),  # the search's own ranking, then id
    "name": (gettext_lazy("Place name"), ["sort_a", "sort_b", "id"]),
    "-status_since": (gettext_lazy("Latest status change first"), [F("status_since").desc(nulls_last=True), "id"]),
    "status_since": (gettext_lazy("Oldest status change first"), [F("status_since").asc(nulls_last=True), "id"]),
    "-established": (gettext_lazy("Newest first"), [F("established_on").desc(nulls_last=True), "id"]),
    "established": (gettext_lazy("Oldest first"), [F("established_on").asc(nulls_last=True), "id"]),
    "-updated": (gettext_lazy("Recently updated"), ["-updated_at", "-id"]),
}


class PairingFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Place name"), required=False, max_length=search.MAX_QUERY_LENGTH,
        help_text=gettext_lazy("One place, or two: “Nottingham Ningbo”. Other and older names, Chinese and typos work too."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "data-suggest": reverse_lazy("search-suggest")}),
    )
    status = forms.MultipleChoiceField(
        label=gettext_lazy("Status"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(s.value, s.label) for s in STATUS_ORDER],
    )
    country = forms.ChoiceField(label=gettext_lazy("Country (either side)"), required=False)
    with_country = forms.ChoiceField(
        label=gettext_lazy("Paired with a place in"), required=False,
        help_text=gettext_lazy("With a country above: the pairings between the two countries."),
    )
    relationship = forms.ChoiceField(
        label=gettext_lazy("Relationship"), required=False,
        choices=[("", gettext_lazy("Any"))] + list(Relationship.choices),
    )
    decided = forms.IntegerField(
        label=gettext_lazy("Decided in year"), required=False, min_value=1900, max_value=2100,
        help_text=gettext_lazy("Pairings with a decision (keep, sever, suspend, reinstate, rescind) that year."),
    )
    campaign = forms.ChoiceField(label=gettext_lazy("Targeted by campaign"), required=False)
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"), required=False, choices=[(k, v[0]) for k, v in SORTS.items()]
    )

    def __init__(self, *args, countries=(), campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        from web.templatetags.twinwatch import country as country_label

        self.fields["country"].choices = [("", _("Any"))] + sorted(
            ((c, country_label(c)) for c in countries), key=lambda c: c[1]
        )
        self.fields["with_country"].choices = self.fields["country"].choices
        self.fields["campaign"].choices = [("", _("Any"))] + list(campaigns)


def _form_data(query: QueryDict) -> tuple[QueryDict, str]:
    """The page's query as the form reads it, and an error for the form (or ""): the API's
    `countries=GB,CN` (a link or URL made for the API) read as the two country fields, so it narrows the
    list as it does the API's, never silently ignored; the codes in capitals either way."""
    data = query.copy()
    for name in ("country", "with_country"):
        if data.get(name):
            data[name] = data[name].strip().upper()
    countries = data.pop("countries", [""])[-1]
    if not countries or data.get("country") or data.get("with_country"):
        return data, ""
    codes = [code.strip().upper() for code in countries.split(",")]
    if len(codes) != 2 or not all(codes):
        return data, _("Give two country codes separated by a comma, e.g. GB,CN.")
    data["country"], data["with_country"] = codes
    return data, ""


PAGE_FILTERS = ("q", "status", "country", "relationship", "campaign")  # the rest of the form is the page's own


def _filtered_pairings(form, search_result=None):
    """The form's choices through the one pairing FilterSet (the API's and the map's); `decided` is the
    page's own. A value the FilterSet refuses becomes an error on the form, never a server error."""
    data = QueryDict(mutable=True)
    for name in PAGE_FILTERS:
        value = form.cleaned_data.get(name)
        data.setlist(name, value if isinstance(value, list) else [value] if value else [])
    other = form.cleaned_data.get("with_country")
    if other:  # the pairings between two countries, or alone, a country on either side
        country = (data.pop("country", None) or [""])[0]
        data.setlist("countries" if country else "country", [f"{country},{other}" if country else other])
    filterset = PairingWithCampaignFilter(data, queryset=selectors.pairings_with_status())
    filterset.search_result = search_result
    try:
        errors = {} if filterset.is_valid() else filterset.errors
        qs = filterset.qs if not errors else None
    except DRFValidationError as exc:
        errors, qs = exc.detail, None
    for name, messages in errors.items():
        form.add_error(name if name in form.fields else None, [str(m) for m in messages])
    if qs is not None and form.cleaned_data.get("decided"):
        decisions = Event.objects.filter(event_type__in=DECISION_TYPES, date__year=form.cleaned_data["decided"])
        qs = qs.filter(pk__in=decisions.values("pairing_id"))
    return qs


@require_safe
@public_page
def pairing_list(request):
    countries = sorted(set(Place.objects.order_by().values_list("country", flat=True).distinct()))
    campaigns = list(Campaign.objects.order_by("name").values_list("slug", "name"))
    data, countries_error = _form_data(request.GET)
    form = PairingFilterForm(data, countries=countries, campaigns=campaigns)
    if countries_error and form.is_valid():
        form.add_error("with_country", countries_error)
    page = None
    status = 200
    found = None
    if form.is_valid() and form.cleaned_data.get("q"):
        try:
            found = search.search(form.cleaned_data["q"])
        except search.SearchError as exc:
            form.add_error("q", str(exc))
    qs = _filtered_pairings(form, found) if form.is_valid() else None
    if qs is None:
        status = 400
    else:
        searching = bool(found and found.terms)
        sort = form.cleaned_data.get("sort") or ("relevance" if searching else "name")
        if sort != "relevance" or not searching:  # a search's ranking is already its order
            qs = qs.order_by(*SORTS["name" if sort == "relevance" else sort][1])
        page = CappedIdsFirstPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "twinning/pairing_list.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(request.GET) and not form.errors and any(form.cleaned_data.values()),
            "applied_filters": _applied_filters(form) if page is not None else [],
            **(_search_context(found, page) if found is not None and page is not None else {}),
        },
        status=status,
    )


def _applied_filters(form) -> list[tuple[str, str]]:
    """The filters the list was narrowed by, as (label, what was chosen) in the form's words, to say
    beside the count (on a phone the form is below the list): a shared link then says what it counts."""
    applied = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name == "sort" or value in (None, "", []):
            continue
        choices = dict(getattr(field, "choices", ()) or ())
        values = value if isinstance(value, list) else [value]
        applied.append((str(field.label), ", ".join(str(choices.get(v, v)) for v in values)))
    return applied


def _search_context(found: search.SearchResult, page) -> dict:
    """What the list says about a search: the places it found, "did you mean" when a word needed a
    guess, and an honest "not in the register" when nothing matched."""
    places = found.all_terms()[:5]
    pairings_found = page.paginator.count > 0
    return {
        "search": found,
        "search_places": places,
        "did_you_mean": search.did_you_mean(found) if not (places and found.exact) else [],
        "not_in_register": not pairings_found and not places,
        "suggest_url": suggest_url(),
    }


def suggest_url() -> str:
    """Where to suggest a missing place or pairing: the public correction form, asking for a new pairing."""
    return reverse("correction") + "?kind=new_pairing"


def _redirect_or_404(kind: str, slug: str):
    target = SlugRedirect.objects.filter(kind=kind, old_slug=slug).values_list("new_slug", flat=True).first()
    if target:
        return redirect(f"{kind}-detail", slug=target, permanent=True)
    return None


def _number_sources(*citation_lists):
    """Give each distinct source a number in order of first appearance; set `citation.number`."""
    numbers: dict[int, int] = {}
    sources: list[Source] = []
    for citations in citation_lists:
        for citation in citations:
            if citation.source_id not in numbers:
                numbers[citation.source_id] = len(numbers) + 1
                sources.append(citation.source)
            citation.number = numbers[citation.source_id]
    for source in sources:
        source.number = numbers[source.pk]
    return sources


def _date_conflicts(event) -> list:
    """Citations of one event that give different dates: all of them are listed when any differ."""
    claims = [(c, c.claimed) for c in event.citations.all() if c.claimed_date is not None]
    if not claims:
        return []
    given = {(d.date, d.precision) for _c, d in claims} | {(event.date, event.date_precision)}
    if len(given) < 2:
        return []
    return [{"number": c.number, "source": c.source, "date": d} for c, d in claims]


@require_safe
@public_page
def pairing_detail(request, slug: str):
    # Agreements, campaigns and petitions are read only when the row says the pairing has some.
    pairing = (
        campaign_selectors.with_campaign_flags(selectors.with_has_agreements(Pairing.objects.select_related("place_a", "place_b")))
        .filter(slug=slug)
        .first()
    )
    if pairing is None:
        return _redirect_or_404("pairing", slug) or get_object_or_404(Pairing, slug=slug)
    events = selectors.pairing_timeline(pairing)
    agreements = []
    if pairing.has_agreements:
        agreements = list(
            pairing.agreements.prefetch_related(
                Prefetch("citations", queryset=AgreementCitation.objects.select_related("source").order_by("id"))
            )
        )
    pairing_citations = list(pairing.citations.select_related("source").order_by("id"))
    sources = _number_sources(
        [c for e in events for c in e.citations.all()],
        [c for a in agreements for c in a.citations.all()],
        pairing_citations,
    )
    previous = ""
    for event in events:
        event.date_conflicts = _date_conflicts(event)
        event.changed_status = bool(event.status_after) and event.status_after != previous
        previous = event.status_after or previous
    # The status box says at a glance what the status rests on: the event it holds from (who decided,
    # how, when) and that event's first source. A Wikidata listing is not a decision: none is shown.
    status_event = None
    if pairing.status != Status.LISTED:
        status_event = next((e for e in events if e.pk == pairing.status_event_id), None)
        if status_event is not None:
            status_event.is_decision = status_event.event_type in DECISION_TYPES
    return render(
        request,
        "twinning/pairing_detail.html",
        {
            "pairing": pairing,
            "events": events,
            "status_event": status_event,
            "status_event_source": next(iter(status_event.citations.all()), None) if status_event else None,
            "agreements": agreements,
            "pairing_citations": pairing_citations,
            "sources": sources,
            "targets": list(campaign_selectors.campaign_targets_for_pairing(pairing)) if pairing.has_targets else [],
            "petitions": list(campaign_selectors.petitions_for_pairing(pairing)) if pairing.has_petitions else [],
            "conflicts": any(e.date_conflicts for e in events),
        },
    )


PLACE_PAGE_SIZE = 100


@require_safe
@public_page
def place_detail(request, slug: str):
    place = Place.objects.prefetch_related("identifiers").filter(slug=slug).first()
    if place is None:
        return _redirect_or_404("place", slug) or get_object_or_404(Place, slug=slug)
    # Paged (a capital city has hundreds of pairings): those checked by curators first, then those
    # only listed by Wikidata, each by name.
    listed_last = Case(When(status=Status.LISTED, then=Value(1)), default=Value(0), output_field=IntegerField())
    qs = selectors.pairings_of_place(place).order_by(listed_last, "sort_a", "sort_b", "id")
    page = IdsFirstPaginator(qs, PLACE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "twinning/place_detail.html",
        {
            "place": place,
            "pairings": list(page.object_list),
            "page": page,
            "coverage": world.place_coverage(place),
            "targets": list(campaign_selectors.campaign_targets_for_place(place)),
            "petitions": list(campaign_selectors.petitions_for_place(place)),
        },
    )


@require_safe
@public_page
def campaign_list(request):
    return render(
        request,
        "campaigns/campaign_list.html",
        {"campaigns": list(campaign_selectors.campaigns_with_counts().order_by("name"))},
    )


@require_safe
@public_page
def campaign_detail(request, slug: str):
    campaign = get_object_or_404(
        Campaign.objects.prefetch_related(
            Prefetch("organisers", queryset=Organisation.objects.prefetch_related("member_groups"))
        ),
        slug=slug,
    )
    targets = list(
        campaign.targets.select_related("pairing__place_a", "pairing__place_b", "place").order_by(
            "place__name", "pairing__place_a__name"
        )
    )
    outcomes = {}
    for target in targets:
        outcomes.setdefault(target.outcome, []).append(target)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "targets": targets,
            "outcome_counts": sorted(
                ((CampaignTarget(outcome=k).get_outcome_display(), len(v)) for k, v in outcomes.items()),
                key=lambda x: -x[1],
            ),
            "petitions": list(campaign_selectors.petitions_with_latest_count().filter(campaign=campaign)),
            "citations": list(campaign.citations.select_related("source").order_by("id")),
        },
    )


@require_safe
@public_page
def source_detail(request, pk: int):
    source = get_object_or_404(Source, pk=pk)
    return render(
        request,
        "sources/source_detail.html",
        {
            "source": source,
            "event_citations": list(
                EventCitation.objects.filter(source=source)
                .select_related("event__pairing__place_a", "event__pairing__place_b")
                .order_by("event__date", "event__order")
            ),
            "pairing_citations": list(
                PairingCitation.objects.filter(source=source).select_related("pairing__place_a", "pairing__place_b")
            ),
            "agreement_citations": list(
                AgreementCitation.objects.filter(source=source).select_related(
                    "agreement__pairing__place_a", "agreement__pairing__place_b"
                )
            ),
            "campaign_citations": list(CampaignCitation.objects.filter(source=source).select_related("campaign")),
            "petition_citations": list(PetitionCitation.objects.filter(source=source).select_related("petition")),
            "organisation_citations": list(
                OrganisationCitation.objects.filter(source=source).select_related("organisation")
            ),
            "signature_counts": list(SignatureCount.objects.filter(source=source).select_related("petition")),
        },
    )


