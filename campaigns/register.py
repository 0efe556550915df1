"""The curated register as one ordered list of models, for `dump_register` and `import_dataset`.

Parents before children (the restore checks foreign keys at the end anyway). Every concrete model
of sources, twinning and campaigns is here except the history tables (`--with-history` adds them);
a test fails when a new model is left out.
"""

from campaigns.models import (
    Campaign,
    CampaignCitation,
    CampaignTarget,
    Organisation,
    OrganisationCitation,
    Petition,
    PetitionCitation,
    SignatureCount,
)
from sources.models import Source
from twinning.models import (
    Agreement,
    AgreementCitation,
    AmbiguousMatch,
    Event,
    EventCitation,
    ImportReport,
    Listing,
    Pairing,
    PairingCitation,
    Place,
    PlaceIdentifier,
    PlaceName,
    SlugRedirect,
    Snapshot,
)

REGISTER_MODELS = [
    Source,
    Place,
    PlaceIdentifier,
    PlaceName,
    Pairing,
    Agreement,
    Event,
    PairingCitation,
    EventCitation,
    AgreementCitation,
    SlugRedirect,
    Snapshot,
    Listing,
    ImportReport,
    AmbiguousMatch,
    Organisation,
    Campaign,
    CampaignTarget,
    Petition,
    SignatureCount,
    CampaignCitation,
    PetitionCitation,
    OrganisationCitation,
]
