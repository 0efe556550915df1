"""Writes go through the services: anyone reads, curators create and change, only editors delete."""

import pytest

from tests.core.factories import api_token_key
from tests.sources.factories import SourceFactory
from twinning.models import Event, Pairing


def client_for(api, who, users):
    if who == "curator":
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(users['curator'])}")
    elif who == "editor":
        api.force_login(users["editor"])  # session, as in the browsable API
    return api


@pytest.fixture
def users(curator, editor):
    return {"curator": curator, "editor": editor}


def bodies(world, source):
    """A valid create body and a valid change body per resource."""
    return {
        "places": ({"name": "Leeds", "country": "gb", "region": "England", "identifiers": {"wikidata": "Q39121"}},
                   {"region": "West Yorkshire"}),
        "pairings": ({"place_a": world.paris.pk, "place_b": world.xian.pk, "relationship": "friendship",
                      "established": "1986-05", "sources": [{"source": source.pk, "quote": "signed"}]},
                     {"notes": "Checked against the council minutes."}),
        "events": ({"pairing": world.paris_rome.pk, "event_type": "review_opened", "date": "2024-02",
                    "sources": [{"source": source.pk}]},
                   {"summary": "The review was announced by the mayor."}),
        "agreements": ({"pairing": world.paris_rome.pk, "kind": "charter", "signed": "1956-01-30"}, None),
        "sources": ({"url": "https://example.org/minutes/1", "title": "Minutes", "publisher": "Council"}, {"author": "Clerk"}),
        "campaigns": ({"name": "X"}, None),
        "organisations": ({"name": "X"}, None),
        "petitions": ({"title": "X"}, None),
    }


def existing(world, resource):
    from campaigns.models import Campaign, Organisation, Petition
    from twinning import services

    return {
        "places": lambda: world.paris.pk,
        "pairings": lambda: world.paris_rome.pk,
        "events": lambda: world.paris_rome.events.order_by("-id").first().pk,
        "agreements": lambda: services.agreement_record(pairing=world.paris_rome, kind="charter").pk,
        "sources": lambda: SourceFactory().pk,
        "campaigns": lambda: Campaign.objects.create(name="C", slug="c").pk,
        "organisations": lambda: Organisation.objects.create(name="O", slug="o").pk,
        "petitions": lambda: Petition.objects.create(title="P", target_council="Council").pk,
    }[resource]()


# resource: (create, change, delete) expected status for anonymous, curator, editor; a method the
# endpoint lacks is a 405 for everyone, before authentication
MATRIX = {
    "places": ((401, 201, 201), (401, 200, 200), (405, 405, 405)),
    "pairings": ((401, 201, 201), (401, 200, 200), (405, 405, 405)),
    "events": ((401, 201, 201), (401, 200, 200), (401, 403, 204)),
    "agreements": ((401, 201, 201), (405, 405, 405), (405, 405, 405)),
    "sources": ((401, 201, 201), (401, 200, 200), (405, 405, 405)),
    "campaigns": ((405, 405, 405), (405, 405, 405), (405, 405, 405)),
    "organisations": ((405, 405, 405), (405, 405, 405), (405, 405, 405)),
    "petitions": ((405, 405, 405), (405, 405, 405), (405, 405, 405)),
}
WHO = ("anonymous", "curator", "editor")


@pytest.mark.parametrize("resource", list(MATRIX))
@pytest.mark.parametrize("who", WHO)
def test_permission_matrix(api, world, users, resource, who):
    client = client_for(api, who, users)
    column = WHO.index(who)
    create_body, change_body = bodies(world, SourceFactory())[resource]
    pk = existing(world, resource)

    assert client.get(f"/api/v1/{resource}/").status_code == 200
    assert client.get(f"/api/v1/{resource}/{pk}/").status_code == 200
    if resource == "sources" and who == "editor":
        create_body = {**create_body, "url": "https://example.org/minutes/2"}
    created = client.post(f"/api/v1/{resource}/", create_body, format="json")
    assert created.status_code == MATRIX[resource][0][column], created.content
    changed = client.patch(f"/api/v1/{resource}/{pk}/", change_body or {"name": "x"}, format="json")
    assert changed.status_code == MATRIX[resource][1][column], changed.content
    deleted = client.delete(f"/api/v1/{resource}/{pk}/")
    assert deleted.status_code == MATRIX[resource][2][column], deleted.content
    if who == "anonymous" and created.status_code == 401:
        assert created["WWW-Authenticate"].startswith("Token")


def test_event_through_the_service_derives_status_and_records_history(api, world, curator):
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(curator)}")
    source = SourceFactory()
    response = api.post(
        "/api/v1/events/",
        {"pairing": world.paris_rome.pk, "event_type": "decision_sever", "date": "2024-03-05", "body": "full_council",
         "votes_for": 30, "votes_against": 2, "sources": [{"source": source.pk, "locator": "item 7"}],
         "reason": "Minutes published"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status_after"] == "severed" and body["sources"][0]["locator"] == "item 7"
    assert response["Location"].endswith(f"/api/v1/events/{body['id']}/")
    world.paris_rome.refresh_from_db()
    assert world.paris_rome.status == "severed"
    history = Event.objects.get(pk=body["id"]).history.first()
    assert (history.history_user, history.history_change_reason) == (curator, "Minutes published")
    pairing = api.get(f"/api/v1/pairings/{world.paris_rome.pk}/").json()
    assert pairing["status"] == "severed" and pairing["latest_event"]["id"] == body["id"]


def test_status_changing_event_without_source_is_400_and_changes_nothing(api, world, curator):
    api.force_login(curator)
    before = Event.objects.count()
    response = api.post(
        "/api/v1/events/", {"pairing": world.paris_rome.pk, "event_type": "decision_sever", "date": "2024-03"}, format="json"
    )
    assert response.status_code == 400
    assert "needs at least one source" in response.json()["sources"][0]
    assert Event.objects.count() == before
    world.paris_rome.refresh_from_db()
    assert world.paris_rome.status == "active"
    # an event that changes nothing needs no source
    ok = api.post("/api/v1/events/", {"pairing": world.paris_rome.pk, "event_type": "visit", "date": "2024-03"}, format="json")
    assert ok.status_code == 201


def test_status_cannot_be_written(api, world, curator):
    api.force_login(curator)
    response = api.patch(f"/api/v1/pairings/{world.paris_rome.pk}/", {"status": "severed"}, format="json")
    assert response.status_code == 400
    assert "Unknown or read-only field" in response.json()["status"][0]
    assert Pairing.objects.get(pk=world.paris_rome.pk).status == "active"


def test_bad_write_values_are_400_naming_the_field(api, world, curator):
    api.force_login(curator)
    response = api.post("/api/v1/events/", {"pairing": world.paris_rome.pk, "event_type": "visit", "date": "May 2024"}, format="json")
    assert response.status_code == 400 and "date" in response.json()
    response = api.post(
        "/api/v1/events/",
        {"pairing": world.paris_rome.pk, "event_type": "visit", "date": "2024", "unanimous": True, "votes_against": 3},
        format="json",
    )
    assert response.status_code == 400
    response = api.post("/api/v1/pairings/", {"place_a": world.paris.pk, "place_b": world.rome.pk, "relationship": "twin_town"}, format="json")
    assert response.status_code == 400 and "already recorded" in response.json()["relationship"][0]


def test_editor_deletes_an_event_and_the_status_is_rederived(api, world, editor):
    api.force_login(editor)
    sever = world.newcastle_sever
    response = api.delete(f"/api/v1/events/{sever.pk}/?reason=Duplicate+entry")
    assert response.status_code == 204
    world.newcastle_taiyuan.refresh_from_db()
    assert world.newcastle_taiyuan.status == "active"
    deleted = Event.history.filter(id=sever.pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (editor, "Duplicate entry")
    # a decision withdrawn by a later rescission cannot go first: 400, nothing deleted
    response = api.delete(f"/api/v1/events/{world.rescindton_sever.pk}/")
    assert response.status_code == 400 and Event.objects.filter(pk=world.rescindton_sever.pk).exists()
