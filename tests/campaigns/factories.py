"""Factories for the campaigns app: organisations, campaigns and petitions made through the services,
as in real use (their slugs come from their names)."""

import itertools

from campaigns import services
from core.partialdates import PartialDate

_n = itertools.count(1)


def _date(value: str | None) -> PartialDate | None:
    return PartialDate.parse(value) if value else None


def make_organisation(*, name: str | None = None, **kwargs):
    return services.organisation_create(name=name or f"Group {next(_n)}", **kwargs)


def make_campaign(*, name: str | None = None, launched: str | None = None, **kwargs):
    """A campaign launched on `launched` (a partial-date string), if given."""
    return services.campaign_create(name=name or f"Campaign {next(_n)}", launched=_date(launched), **kwargs)


def make_petition(*, title: str | None = None, target_council: str = "Example Council", opened: str | None = None,
                  closed: str | None = None, **kwargs):
    """A petition opened and closed on partial-date strings, if given."""
    return services.petition_record(title=title or f"Petition {next(_n)}", target_council=target_council,
                                    opened=_date(opened), closed=_date(closed), **kwargs)
