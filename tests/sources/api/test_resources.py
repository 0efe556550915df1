"""Sources: their filters keep the right rows and drop the others."""

from tests.api_helpers import results
from tests.sources.factories import SourceFactory
from twinning import services


def test_source_filters(api, world):
    minutes = SourceFactory(publisher="Newcastle City Council", source_type="council_minutes", title="Minutes of council",
                            published="2022-11-02", url="https://democracy.example.gov.uk/minutes")
    services.event_cite(event=world.newcastle_sever, cite=services.Cite(source=minutes, locator="item 9"))
    SourceFactory(publisher="Other Paper", published="2019-01-01")

    def ids(**params):
        return {r["id"] for r in results(api.get("/api/v1/sources/", params))}

    assert ids(publisher="newcastle city council") == {minutes.pk}
    assert ids(type="council_minutes") == {minutes.pk}
    assert ids(published_after="2022-11", published_before="2022") == {minutes.pk}
    cited = ids(cites="newcastle-upon-tyne-taiyuan")
    assert minutes.pk in cited and len(cited) == 3  # the establishment's, the decision's, the minutes
    assert ids(cites=str(world.paris_rome.pk)).isdisjoint(cited)
    row = results(api.get("/api/v1/sources/", {"q": "Minutes of council"}))[0]
    assert row["citation_count"] == 1 and row["published"]["display"] == "2 November 2022"
