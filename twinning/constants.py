"""Fixed vocabularies of the register, each value with a one-line public definition.

The About page, the API schema, the README and the importer all read these; nothing else defines them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    CITY = "city", _("City")
    TOWN = "town", _("Town")
    DISTRICT = "district", _("District or borough")
    COUNTY = "county", _("County")
    UNITARY = "unitary", _("Unitary authority")
    PREFECTURE = "prefecture", _("Prefecture")
    PROVINCE = "province", _("Province or state")
    REGION = "region", _("Region")
    OTHER = "other", _("Other")


class Relationship(models.TextChoices):
    TWIN_TOWN = "twin_town", _("Twin town")
    SISTER_CITY = "sister_city", _("Sister city")
    FRIENDSHIP = "friendship", _("Friendship city")
    PARTNERSHIP = "partnership", _("Partnership or cooperation agreement")
    OTHER = "other", _("Other relationship")


RELATIONSHIP_DEFINITIONS = {
    Relationship.TWIN_TOWN: _("A formal twinning between two towns or cities, usually by a charter."),
    Relationship.SISTER_CITY: _("A formal sister-city relationship, usually by a signed agreement."),
    Relationship.FRIENDSHIP: _("A friendship-city or friendship agreement, often a step short of twinning."),
    Relationship.PARTNERSHIP: _("A partnership, cooperation or memorandum of understanding between two places."),
    Relationship.OTHER: _("Any other formal relationship between two places."),
}


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    UNDER_REVIEW = "under_review", _("Under review")
    RETAINED = "retained", _("Retained")
    SUSPENDED = "suspended", _("Suspended")
    DORMANT = "dormant", _("Dormant")
    SEVERED = "severed", _("Severed")
    LAPSED = "lapsed", _("Lapsed")
    LISTED = "listed", _("Listed by Wikidata, not yet checked")
    UNKNOWN = "unknown", _("Unknown")


STATUS_DEFINITIONS = {
    Status.PROPOSED: _("A relationship has been proposed but not yet formally established."),
    Status.ACTIVE: _("The relationship is in force, as far as the sources show."),
    Status.UNDER_REVIEW: _("A council or government is reviewing whether to keep the relationship."),
    Status.RETAINED: _("The relationship was reviewed and a decision was taken to keep it."),
    Status.SUSPENDED: _("The relationship has been put on hold by one side, without being ended."),
    Status.DORMANT: _("The relationship still exists on paper, but the sources show no activity."),
    Status.SEVERED: _("One side or both formally ended the relationship."),
    Status.LAPSED: _("The relationship expired and was not renewed."),
    Status.LISTED: _(
        "Wikidata lists the twinning (property P190) in a snapshot we imported, and no curator has checked it yet: "
        "evidence that someone recorded it, not that it is in force today."
    ),
    Status.UNKNOWN: _("The sources do not establish the relationship's current state."),
}


class EventType(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ESTABLISHED = "established", _("Established")
    AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
    RENEWED = "renewed", _("Renewed")
    VISIT = "visit", _("Visit or delegation")
    PETITION_SUBMITTED = "petition_submitted", _("Petition submitted")
    MOTION_TABLED = "motion_tabled", _("Motion tabled")
    CONSULTATION_OPENED = "consultation_opened", _("Consultation opened")
    REVIEW_OPENED = "review_opened", _("Review opened")
    DECISION_RETAIN = "decision_retain", _("Decision to retain")
    DECISION_SEVER = "decision_sever", _("Decision to sever")
    SUSPENDED = "suspended", _("Suspended")
    FOUND_DORMANT = "found_dormant", _("Found dormant")
    LAPSED = "lapsed", _("Lapsed")
    REINSTATED = "reinstated", _("Reinstated")
    DECISION_RESCINDED = "decision_rescinded", _("Decision rescinded")
    LISTED = "listed", _("Listed by Wikidata")
    LISTED_ENDED = "listed_ended", _("Listed by Wikidata as ended")
    STATEMENT = "statement", _("Statement")
    OTHER = "other", _("Other")


EVENT_DEFINITIONS = {
    EventType.PROPOSED: _("Someone formally proposed the relationship."),
    EventType.ESTABLISHED: _("The relationship began (its first charter, agreement or resolution)."),
    EventType.AGREEMENT_SIGNED: _("An agreement about the relationship was signed."),
    EventType.RENEWED: _("The relationship or its agreement was renewed."),
    EventType.VISIT: _("An official visit or delegation between the two places."),
    EventType.PETITION_SUBMITTED: _("A petition about the relationship was handed to a council."),
    EventType.MOTION_TABLED: _("A motion about the relationship was put before a council."),
    EventType.CONSULTATION_OPENED: _("A council asked the public for views on the relationship."),
    EventType.REVIEW_OPENED: _("A council or government began reviewing the relationship."),
    EventType.DECISION_RETAIN: _("A decision was taken to keep the relationship."),
    EventType.DECISION_SEVER: _("A decision was taken to end the relationship."),
    EventType.SUSPENDED: _("The relationship was put on hold."),
    EventType.FOUND_DORMANT: _("A source found the relationship inactive."),
    EventType.LAPSED: _("The relationship expired without renewal."),
    EventType.REINSTATED: _("An ended or suspended relationship was restored."),
    EventType.DECISION_RESCINDED: _("An earlier decision was withdrawn; the status before it returns."),
    EventType.LISTED: _(
        "A Wikidata snapshot lists the twinning. It makes the status “listed” only while nothing curated is known."
    ),
    EventType.LISTED_ENDED: _(
        "A Wikidata snapshot gives the twinning an end time. It makes the status “lapsed” only while nothing curated "
        "is known: the end is recorded, not why it ended."
    ),
    EventType.STATEMENT: _("A public statement about the relationship."),
    EventType.OTHER: _("Any other event."),
}

# The status an event of each type leads to, unless the curator records another.
# Types missing here change nothing; DECISION_RESCINDED restores the status before the rescinded decision.
IMPLIED_STATUS = {
    EventType.PROPOSED: Status.PROPOSED,
    EventType.ESTABLISHED: Status.ACTIVE,
    EventType.RENEWED: Status.ACTIVE,
    EventType.CONSULTATION_OPENED: Status.UNDER_REVIEW,
    EventType.REVIEW_OPENED: Status.UNDER_REVIEW,
    EventType.DECISION_RETAIN: Status.RETAINED,
    EventType.DECISION_SEVER: Status.SEVERED,
    EventType.SUSPENDED: Status.SUSPENDED,
    EventType.FOUND_DORMANT: Status.DORMANT,
    EventType.LAPSED: Status.LAPSED,
    EventType.REINSTATED: Status.ACTIVE,
    EventType.LISTED: Status.LISTED,  # only over "unknown" or "listed": see twinning.status.derive
    EventType.LISTED_ENDED: Status.LAPSED,  # never over a curated status: see twinning.status.derive
}

DECISION_TYPES = {
    EventType.DECISION_RETAIN,
    EventType.DECISION_SEVER,
    EventType.SUSPENDED,
    EventType.REINSTATED,
    EventType.DECISION_RESCINDED,
}


class Actor(models.TextChoices):
    SIDE_A = "side_a", _("First place's authority")
    SIDE_B = "side_b", _("Second place's authority")
    BOTH = "both", _("Both authorities")
    NATIONAL_GOVERNMENT = "national_government", _("A national government")
    CAMPAIGN = "campaign", _("A campaign")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Body(models.TextChoices):
    FULL_COUNCIL = "full_council", _("Full council")
    CABINET = "cabinet", _("Cabinet or executive")
    COMMITTEE = "committee", _("Committee")
    LEADER = "leader", _("Council leader or mayor")
    OFFICERS = "officers", _("Officers")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")


class AgreementKind(models.TextChoices):
    CHARTER = "charter", _("Twinning charter")
    FRIENDSHIP = "friendship", _("Friendship agreement")
    SISTER_CITY = "sister_city", _("Sister-city agreement")
    MOU = "mou", _("Memorandum of understanding")
    RENEWAL = "renewal", _("Renewal")
    SECTOR = "sector", _("Sector agreement")
    OTHER = "other", _("Other")


class TextAvailability(models.TextChoices):
    PUBLISHED = "published", _("Published")
    WITHHELD = "withheld", _("Withheld")
    UNKNOWN = "unknown", _("Unknown")


class Confidence(models.TextChoices):
    HIGH = "high", _("High: stated plainly by a source")
    MEDIUM = "medium", _("Medium: inferred from a source's wording")
    LOW = "low", _("Low: general knowledge, to verify")


class IdentifierScheme(models.TextChoices):
    WIKIDATA = "wikidata", _("Wikidata QID")
    ISO_3166_2 = "iso3166_2", _("ISO 3166-2")
    GSS = "gss", _("GSS code")
    GEONAMES = "geonames", _("GeoNames id")


class PlaceNameKind(models.TextChoices):
    """Why a place has another name; every kind is searchable."""

    ALTERNATE = "alternate", _("Other name or abbreviation (e.g. BANES)")
    HISTORICAL = "historical", _("Historical name or romanisation (e.g. Ningpo, Peking)")
    TRANSLATION = "translation", _("Name in another language (e.g. 諾丁漢)")
    WIKIDATA = "wikidata", _("Label listed by Wikidata")


# The order statuses are shown in, from "in force" to "ended" (also the legend order).
STATUS_ORDER = [
    Status.ACTIVE,
    Status.RETAINED,
    Status.UNDER_REVIEW,
    Status.PROPOSED,
    Status.SUSPENDED,
    Status.DORMANT,
    Status.LAPSED,
    Status.SEVERED,
    Status.LISTED,
    Status.UNKNOWN,
]

# Events that are Wikidata evidence, not a curator's: they never outrank a curated status
# (twinning.status.derive), and a status they brought counts as "listed by Wikidata", not "verified".
WIKIDATA_EVENT_TYPES = (EventType.LISTED, EventType.LISTED_ENDED)

# Statuses a curator's sourced event brought (everything but "listed" and "unknown").
CURATED_STATUSES = [s for s in STATUS_ORDER if s not in (Status.LISTED, Status.UNKNOWN)]
