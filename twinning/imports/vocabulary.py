"""Words a person may type for the fixed vocabularies (spreadsheet import, admin help): each
vocabulary's values and labels, case-insensitive, plus the obvious synonyms.

`lookup(vocabulary, text)` answers the stored value, or raises ValidationError listing the allowed
words. The vocabularies themselves live in `twinning.constants`; this module only adds spellings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from twinning.constants import AgreementKind, Body, EventType, Relationship, Status


def normalise(text: str) -> str:
    """Lower case, with hyphens, underscores and runs of spaces folded into one space."""
    return re.sub(r"[\s_\-]+", " ", (text or "").strip().lower()).strip(" .")


@dataclass(frozen=True)
class Vocabulary:
    name: str
    choices: type
    synonyms: dict
    hint: str = ""

    @cached_property
    def words(self) -> dict[str, str]:
        table = {}
        for value, label in self.choices.choices:
            table[normalise(value)] = value
            table[normalise(str(label))] = value
        for word, value in self.synonyms.items():
            table[normalise(word)] = str(value)
        return table

    def allowed(self) -> str:
        """The codes, as the README documents them (labels and synonyms are accepted too)."""
        words = ", ".join(self.choices.values)
        return f"{words}{self.hint}"

    def lookup(self, text: str) -> str:
        value = self.words.get(normalise(text))
        if value is None:
            raise ValidationError(
                _("“%(value)s” is not a known %(name)s; use one of: %(allowed)s."),
                code="unknown_word",
                params={"value": text, "name": self.name, "allowed": self.allowed()},
            )
        return value


_SEVERED = ("withdrawn", "withdraw", "ended", "end", "terminated", "terminate", "relinquished", "sever",
            "severance", "cut", "cut ties", "scrapped", "axed", "cancelled", "de twinned", "detwinned")

RELATIONSHIP = Vocabulary(
    "relationship",
    Relationship,
    {
        "twin": Relationship.TWIN_TOWN,
        "twin city": Relationship.TWIN_TOWN,
        "twin cities": Relationship.TWIN_TOWN,
        "twin towns": Relationship.TWIN_TOWN,
        "twinning": Relationship.TWIN_TOWN,
        "twinned": Relationship.TWIN_TOWN,
        "sister": Relationship.SISTER_CITY,
        "sister cities": Relationship.SISTER_CITY,
        "sister town": Relationship.SISTER_CITY,
        "sister province": Relationship.SISTER_CITY,
        "friendship agreement": Relationship.FRIENDSHIP,
        "friendship province": Relationship.FRIENDSHIP,
        "friendly city": Relationship.FRIENDSHIP,
        "partner city": Relationship.PARTNERSHIP,
        "partnership agreement": Relationship.PARTNERSHIP,
        "cooperation": Relationship.PARTNERSHIP,
        "cooperation agreement": Relationship.PARTNERSHIP,
        "co operation agreement": Relationship.PARTNERSHIP,
        "mou": Relationship.PARTNERSHIP,
        "memorandum of understanding": Relationship.PARTNERSHIP,
    },
)

# Status words: in the `status` column they name the status; in the `event` column they mean "the
# pairing became that" (a decision to sever, a finding that it is dormant, ...).
STATUS = Vocabulary(
    "status",
    Status,
    {
        **dict.fromkeys(_SEVERED, Status.SEVERED),
        "kept": Status.RETAINED,
        "retain": Status.RETAINED,
        "review": Status.UNDER_REVIEW,
        "in review": Status.UNDER_REVIEW,
        "expired": Status.LAPSED,
        "in force": Status.ACTIVE,
        "current": Status.ACTIVE,
        "inactive": Status.DORMANT,
    },
)

STATUS_AS_EVENT = {
    Status.PROPOSED: EventType.PROPOSED,
    Status.ACTIVE: EventType.REINSTATED,
    Status.UNDER_REVIEW: EventType.REVIEW_OPENED,
    Status.RETAINED: EventType.DECISION_RETAIN,
    Status.SUSPENDED: EventType.SUSPENDED,
    Status.DORMANT: EventType.FOUND_DORMANT,
    Status.SEVERED: EventType.DECISION_SEVER,
    Status.LAPSED: EventType.LAPSED,
}

EVENT = Vocabulary(
    "event",
    EventType,
    {
        **{word: STATUS_AS_EVENT[value] for word, value in STATUS.words.items() if value in STATUS_AS_EVENT},
        "established": EventType.ESTABLISHED,
        "founded": EventType.ESTABLISHED,
        "signed": EventType.AGREEMENT_SIGNED,
        "agreement": EventType.AGREEMENT_SIGNED,
        "renewal": EventType.RENEWED,
        "renew": EventType.RENEWED,
        "visit": EventType.VISIT,
        "delegation": EventType.VISIT,
        "petition": EventType.PETITION_SUBMITTED,
        "petition handed in": EventType.PETITION_SUBMITTED,
        "motion": EventType.MOTION_TABLED,
        "consultation": EventType.CONSULTATION_OPENED,
        "review": EventType.REVIEW_OPENED,
        "under review": EventType.REVIEW_OPENED,
        "decision to sever": EventType.DECISION_SEVER,
        "decision to retain": EventType.DECISION_RETAIN,
        "suspend": EventType.SUSPENDED,
        "dormant": EventType.FOUND_DORMANT,
        "reinstate": EventType.REINSTATED,
        "restored": EventType.REINSTATED,
        "rescinded": EventType.DECISION_RESCINDED,
        "rescind": EventType.DECISION_RESCINDED,
        "reversed": EventType.DECISION_RESCINDED,
        "overturned": EventType.DECISION_RESCINDED,
        "rescission": EventType.DECISION_RESCINDED,
        "announcement": EventType.STATEMENT,
    },
    hint="; or a status word: severed, retained, suspended, dormant, lapsed, under review",
)

BODY = Vocabulary(
    "body",
    Body,
    {
        "council": Body.FULL_COUNCIL,
        "city council": Body.FULL_COUNCIL,
        "county council": Body.FULL_COUNCIL,
        "executive": Body.CABINET,
        "council leader": Body.LEADER,
        "mayor": Body.LEADER,
        "officials": Body.OFFICERS,
        "staff": Body.OFFICERS,
        "national government": Body.GOVERNMENT,
    },
)

AGREEMENT_KIND = Vocabulary(
    "agreement kind",
    AgreementKind,
    {
        "twinning charter": AgreementKind.CHARTER,
        "friendship": AgreementKind.FRIENDSHIP,
        "sister city": AgreementKind.SISTER_CITY,
        "memorandum": AgreementKind.MOU,
        "memorandum of understanding": AgreementKind.MOU,
        "sector": AgreementKind.SECTOR,
    },
)
