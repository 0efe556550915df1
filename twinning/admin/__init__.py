"""The curator admin for the core domain: places, pairings (with their timeline, agreements and
sources), events and agreements, and the spreadsheet import. Every write goes through
`twinning.services`, so statuses are derived and history records who and why."""

from twinning.admin.pairings import AgreementAdmin, EventAdmin, PairingAdmin
from twinning.admin.places import PlaceAdmin

__all__ = ["AgreementAdmin", "EventAdmin", "PairingAdmin", "PlaceAdmin"]
