"""factory_boy factories for the twinning app. Pairings and events are made through the services, as in
real use."""

import factory

from core.partialdates import PartialDate
from tests.sources.factories import SourceFactory
from twinning import services
from twinning.constants import Relationship
from twinning.models import Place


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Town {n}")
    slug = factory.Sequence(lambda n: f"town-{n}")
    country = "GB"
    region = "England"
    kind = "city"


def make_pairing(
    *, place_a=None, place_b=None, relationship=Relationship.SISTER_CITY, established="2005", source=None, **kwargs
):
    """A pairing through the service, established on `established` (a partial-date string) with a source."""
    place_a = place_a or PlaceFactory()
    place_b = place_b or PlaceFactory(country="CN", region="Shanxi")
    source = source or SourceFactory()
    return services.pairing_create(
        place_a=place_a,
        place_b=place_b,
        relationship=relationship,
        established=PartialDate.parse(established) if established else None,
        citations=[services.Cite(source=source)],
        **kwargs,
    )


def record(pairing, event_type: str, date: str, *, source=None, sources=(), sourced=True, **kwargs):
    """Record an event through the service; with a fresh source unless `sourced=False`, or citing
    `sources` in that order."""
    citations = [services.Cite(source=s) for s in sources] or ([services.Cite(source=source or SourceFactory())] if sourced else [])
    return services.event_record(
        pairing=pairing, event_type=event_type, date=PartialDate.parse(date), citations=citations, **kwargs
    )
