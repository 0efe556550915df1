"""Sources admin: search, the citation count across apps, partial published dates, history."""

import pytest
from django.urls import reverse

from tests.sources.factories import SourceFactory
from tests.twinning.admin_helpers import errors_of, form_data
from tests.twinning.factories import make_pairing


@pytest.mark.django_db
class TestSourceAdmin:
    def test_search_and_citation_counts(self, client, curator):
        cited = SourceFactory(title="Wakefield twin partnerships to be axed", publisher="Wakefield Express")
        make_pairing(source=cited)  # cited by the pairing and by its established event
        SourceFactory(title="UK foreign secretary says raised human rights", publisher="Other paper")
        client.force_login(curator)
        response = client.get(reverse("admin:sources_source_changelist"), {"q": "wakefield express"})
        results = list(response.context["cl"].result_list)
        assert [s.title for s in results] == ["Wakefield twin partnerships to be axed"]
        assert results[0].n_citations == 2

    def test_change_with_a_reason_and_a_bad_date(self, client, curator):
        source = SourceFactory()
        client.force_login(curator)
        url = reverse("admin:sources_source_change", args=[source.pk])
        data = form_data(client.get(url))
        data.update({"published": "2022-11-31"})
        response = client.post(url, data)
        assert response.status_code == 200
        assert any("not a real date" in m for m in errors_of(response))

        data.update({"published": "c. 2022", "change_reason": "Date from the byline"})
        assert client.post(url, data).status_code == 302
        source.refresh_from_db()
        assert source.published_date.display() == "c. 2022"
        latest = source.history.first()
        assert (latest.history_user, latest.history_change_reason) == (curator, "Date from the byline")

    def test_a_duplicate_url_is_a_form_error(self, client, curator):
        existing = SourceFactory()
        client.force_login(curator)
        url = reverse("admin:sources_source_add")
        data = form_data(client.get(url))
        data.update({"url": existing.url, "title": "Same story again", "source_type": "news"})
        response = client.post(url, data)
        assert response.status_code == 200
        assert errors_of(response)
