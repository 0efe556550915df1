"""The curators' queue of suggested corrections in the admin."""

import pytest
from django.urls import reverse

from web import services
from web.models import Correction, CorrectionStatus

pytestmark = pytest.mark.django_db


def test_curators_see_the_queue_filter_it_and_mark_suggestions(client, curator, newcastle, django_assert_max_num_queries):
    first = services.correction_submit(text="Wrong date for the decision", pairing=newcastle, email="a@example.org")
    second = services.correction_submit(text="Missing: Leeds – Hangzhou", kind="new_pairing")
    for n in range(20):
        services.correction_submit(text=f"Suggestion number {n}", pairing=newcastle)
    client.force_login(curator)
    url = reverse("admin:web_correction_changelist")
    with django_assert_max_num_queries(15):
        html = client.get(url).content.decode()
    assert "Wrong date for the decision" in html and "Newcastle upon Tyne – Taiyuan" in html

    response = client.post(url, {"action": "mark_triaged", "_selected_action": [first.pk, second.pk]}, follow=True)
    assert "2 suggestions marked “Triaged”" in response.content.decode()
    first.refresh_from_db()
    assert first.status == CorrectionStatus.TRIAGED
    assert first.history.first().history_user == curator

    new_only = client.get(url, {"status__exact": "new"}).content.decode()
    assert "Suggestion number 3" in new_only and "Wrong date for the decision" not in new_only

    change = reverse("admin:web_correction_change", args=[first.pk])
    response = client.post(change, {"status": "done", "curator_note": "Fixed the date", "change_reason": "Date corrected"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "done" and first.curator_note == "Fixed the date"
    assert first.history.first().history_change_reason == "Date corrected"
    assert first.text == "Wrong date for the decision"  # the public's words are not editable


def test_suggestions_are_not_added_in_the_admin(client, curator):
    client.force_login(curator)
    assert client.get(reverse("admin:web_correction_add")).status_code == 403
    assert Correction.objects.count() == 0
