"""Follow a place or campaign by e-mail: double opt-in, unsubscribe in every e-mail, digests."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from campaigns.models import Campaign
from config.settings import email_settings
from tests.twinning.factories import record
from twinning.constants import EventType
from web import services
from web.models import Follow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_forms(settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    settings.SITE_URL = "https://twinwatch.example"


def ask_to_follow(client, url, email="reader@example.org"):
    stamp = client.get(url).context["form"].initial["shown"]
    return client.post(url, {"email": email, "shown": stamp, "website": ""})


def link_in(message, path_start):
    match = re.search(rf"https://twinwatch\.example({re.escape(path_start)}[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_place_page_offers_e_mail_beside_the_atom_feed(client, newcastle):
    html = client.get(newcastle.place_a.get_absolute_url()).content.decode()
    assert f'href="{reverse("follow-place", args=["newcastle-upon-tyne"])}"' in html
    assert 'href="/places/newcastle-upon-tyne/feed/"' in html


def test_double_opt_in_then_digest_then_unsubscribe(client, newcastle):
    url = reverse("follow-place", args=["newcastle-upon-tyne"])
    response = ask_to_follow(client, url)
    assert response.status_code == 302 and response["Location"] == reverse("follow-sent")
    follow = Follow.objects.get()
    assert follow.confirmed_at is None
    (confirmation,) = mail.outbox
    assert confirmation.to == ["reader@example.org"]
    assert "Newcastle upon Tyne" in confirmation.subject
    assert confirmation.extra_headers["List-Unsubscribe"].startswith("<https://twinwatch.example/follow/unsubscribe/")

    # Unconfirmed: no digest, even with a new event.
    record(newcastle, EventType.STATEMENT, "2023-01-10", summary="A statement")
    call_command("send_follow_digest", stdout=__import__("io").StringIO())
    assert len(mail.outbox) == 1

    # Opening the link shows a button; only pressing it confirms (mail scanners open links).
    confirm = link_in(confirmation, "/follow/confirm/")
    assert "Confirm" in client.get(confirm).content.decode()
    follow.refresh_from_db()
    assert follow.confirmed_at is None
    assert "Confirmed" in client.post(confirm).content.decode()
    follow.refresh_from_db()
    assert follow.confirmed_at is not None

    # Events recorded after confirmation go in the next digest, once.
    record(newcastle, EventType.REVIEW_OPENED, "2024-05", summary="Review")
    call_command("send_follow_digest", stdout=__import__("io").StringIO())
    assert len(mail.outbox) == 2
    digest = mail.outbox[1]
    assert "Newcastle upon Tyne – Taiyuan: Review opened, May 2024" in digest.body
    assert "A statement" not in digest.body and "January 2023" not in digest.body
    call_command("send_follow_digest", stdout=__import__("io").StringIO())
    assert len(mail.outbox) == 2

    # Unsubscribe from the digest's link: the address is forgotten.
    unsubscribe = link_in(digest, "/follow/unsubscribe/")
    assert client.post(unsubscribe).status_code == 200
    assert not Follow.objects.exists()


def test_one_click_unsubscribe_needs_no_csrf_token(newcastle):
    from django.test import Client

    follow = services.follow_request(email="a@example.org", place=newcastle.place_b)
    token = services.follow_token(follow, "unsubscribe")
    response = Client(enforce_csrf_checks=True).post(reverse("follow-unsubscribe", args=[token]))
    assert response.status_code == 200
    assert not Follow.objects.exists()


def test_forged_expired_or_wrong_action_tokens_do_nothing(client, newcastle):
    follow = services.follow_request(email="a@example.org", place=newcastle.place_b)
    unsubscribe_token = services.follow_token(follow, "unsubscribe")
    assert client.post(reverse("follow-confirm", args=[unsubscribe_token])).status_code == 404
    assert client.post(reverse("follow-confirm", args=["x" + unsubscribe_token])).status_code == 404
    follow.refresh_from_db()
    assert follow.confirmed_at is None


def test_following_a_campaign_gets_its_targeted_pairings_events(client, newcastle):
    from campaigns import services as campaign_services

    campaign = campaign_services.campaign_create(name="Cut the ties", reason="test")
    campaign_services.campaign_target_set(campaign=campaign, pairing=newcastle, reason="test")
    follow = services.follow_request(email="c@example.org", campaign=campaign)
    services.follow_confirm(follow)
    record(newcastle, EventType.STATEMENT, "2024-02-01")
    sent, checked = services.follow_digest_send()
    assert (sent, checked) == (1, 1)
    assert "Cut the ties" in mail.outbox[-1].subject
    assert "Statement, 1 February 2024" in mail.outbox[-1].body
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_bad_email_is_a_form_error_and_asking_twice_makes_one_follow(client, newcastle):
    url = reverse("follow-place", args=["taiyuan"])
    response = ask_to_follow(client, url, email="not an address")
    assert response.status_code == 400 and "Enter a valid email address." in response.content.decode()
    ask_to_follow(client, url, email="b@example.org")
    ask_to_follow(client, url, email="B@example.org")
    assert Follow.objects.count() == 1


def test_follow_requests_are_rate_limited(client, settings, newcastle):
    settings.FOLLOWS_PER_HOUR = 1
    url = reverse("follow-place", args=["taiyuan"])
    assert ask_to_follow(client, url, email="one@example.org").status_code == 302
    assert ask_to_follow(client, url, email="two@example.org").status_code == 429
    assert Follow.objects.count() == 1 and len(mail.outbox) == 1


def test_email_settings_from_the_environment():
    assert email_settings({})["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = email_settings({"EMAIL_URL": "smtp://user%40x:p%3Ass@mail.example:2525"})
    assert smtp["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"]) == (
        "mail.example", 2525, "user@x", "p:ss",
    )
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    assert email_settings({"EMAIL_URL": "smtps://mail.example"})["EMAIL_USE_SSL"]
    host = email_settings({"EMAIL_HOST": "mx.example", "EMAIL_PORT": "25", "EMAIL_USE_TLS": "0"})
    assert (host["EMAIL_HOST"], host["EMAIL_PORT"], host["EMAIL_USE_TLS"]) == ("mx.example", 25, False)
