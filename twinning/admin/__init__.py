"""The curator admin for the core domain: places, pairings (with their timeline, agreements and
sources), events and agreements, and the spreadsheet import. Every write goes through
`twinning.services`, so statuses are derived and history records who and why."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

# Importing these modules registers their admin classes.
from twinning.admin import pairings, places, users, world  # noqa: F401

admin.site.site_header = _("Twinwatch curators")
admin.site.site_title = _("Twinwatch admin")
admin.site.index_title = _("The register: places, pairings, events, sources and campaigns")
