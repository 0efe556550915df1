from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceType(models.TextChoices):
    NEWS = "news", _("News report")
    COUNCIL_MINUTES = "council_minutes", _("Council minutes or papers")
    COUNCIL_STATEMENT = "council_statement", _("Council statement")
    PETITION = "petition", _("Petition")
    FOI_RESPONSE = "foi_response", _("Freedom of information response")
    CAMPAIGN_STATEMENT = "campaign_statement", _("Campaign statement")
    GOVERNMENT = "government", _("Government publication")
    ACADEMIC = "academic", _("Academic work")
    COMMENTARY = "commentary", _("Commentary or opinion")
    OTHER = "other", _("Other")


SOURCE_TYPE_DEFINITIONS = {
    SourceType.NEWS: _("A news report by a media organisation."),
    SourceType.COUNCIL_MINUTES: _("Minutes, agendas, motions or reports published by a council."),
    SourceType.COUNCIL_STATEMENT: _("A statement or letter issued by a council or its leader."),
    SourceType.PETITION: _("A petition page or the petition text itself."),
    SourceType.FOI_RESPONSE: _("A reply to a freedom-of-information request."),
    SourceType.CAMPAIGN_STATEMENT: _("A statement by a campaign group or coalition."),
    SourceType.GOVERNMENT: _("A publication of a national or regional government."),
    SourceType.ACADEMIC: _("A peer-reviewed paper, thesis or research report."),
    SourceType.COMMENTARY: _("An opinion piece, blog post or commentary."),
    SourceType.OTHER: _("Any other document."),
}
