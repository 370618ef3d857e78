"""Subscribing with double opt-in, managing, unsubscribing, previewing: through real mail."""

import re

import pytest
from django.test import Client

from dailypapers.digests.models import Subscription
from dailypapers.digests.tests.helpers import papers_of_the_day, subscriber

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"http://testserver(/subscribe/\S+)", text)
    assert found is not None
    return found[1]


def test_subscribing_sends_a_confirmation_and_the_link_confirms(client, smtp, mails_on_commit):
    with mails_on_commit(execute=True):
        response = client.post(
            "/subscribe",
            {
                "email": "Alice@Example.org",
                "frequency": "weekly",
                "topics": "alignment\n\ndiffusion",
            },
        )
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.email == "alice@example.org"
    assert subscription.topics == ["alignment", "diffusion"]
    assert not subscription.active and subscription.next_send_at is None
    [mail] = smtp.messages
    assert mail["To"] == "alice@example.org"
    page = client.get(link_in(mail))
    assert "You are subscribed" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.active
    assert subscription.next_send_at.weekday() == 0  # weekly digests go out on Mondays


def test_subscribing_a_subscribed_address_reveals_nothing_and_changes_nothing(
    client, smtp, mails_on_commit
):
    subscriber(topics=["robots"])
    with mails_on_commit(execute=True):
        fresh = client.post("/subscribe", {"email": "new@example.org", "frequency": "daily"})
    with mails_on_commit(execute=True):
        again = client.post(
            "/subscribe", {"email": "alice@example.org", "frequency": "weekly", "topics": "spam"}
        )
    assert again.status_code == fresh.status_code == 200
    assert again.content.decode().replace("alice", "X") == fresh.content.decode().replace(
        "new", "X"
    )
    assert Subscription.objects.get(email="alice@example.org").topics == ["robots"]
    assert "already gets the" in smtp.messages[1].get_body(("plain",)).get_content()


def test_the_header_form_prefills_the_subscribe_page(client):
    html = client.get("/subscribe", {"email": "carol@example.org"}).content.decode()
    assert 'value="carol@example.org"' in html


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "alice@example.org\r\nBcc: everyone@example.org"},
        {"email": "not an address"},
        {"email": "a@example.org", "topics": "\n".join(f"topic {n}" for n in range(50))},
        {"email": "a@example.org", "topics": "x" * 500},
        {"email": "a@example.org", "categories": "cs.CL <script>"},
        {"email": "a@example.org", "frequency": "hourly"},
    ],
)
def test_hostile_or_oversized_input_is_refused_and_nothing_is_sent(client, smtp, fields):
    response = client.post("/subscribe", {"frequency": "daily", **fields})
    assert response.status_code == 400
    assert not Subscription.objects.exists()
    assert smtp.messages == []
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("action", ["confirm", "manage", "unsubscribe", "preview"])
def test_forged_links_are_refused(client, action):
    subscriber()
    response = client.get(f"/subscribe/{action}/WzEsImNvbmZpcm0iXQ:1abc:forged")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_a_link_for_one_action_does_not_open_another(client):
    from dailypapers.digests.links import make_token

    token = make_token(subscriber(), "manage")
    assert client.get(f"/subscribe/unsubscribe/{token}").status_code == 404


def test_unsubscribe_asks_on_get_and_acts_on_post_without_login_or_script(client):
    from dailypapers.digests.links import make_token

    subscription = subscriber()
    url = f"/subscribe/unsubscribe/{make_token(subscription, 'unsubscribe')}"
    page = client.get(url).content.decode()
    # A plain form: it works without JavaScript.
    assert '<form method="post"><button type="submit"' in page
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None  # a link scanner's GET changes nothing
    assert client.post(url).status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None and subscription.next_send_at is None
    manage = f"/subscribe/manage/{make_token(subscription, 'manage')}"
    assert client.get(manage).status_code == 200  # links issued after still work
    assert client.post(url).status_code == 200  # a second one-click is harmless


def test_manage_changes_topics_and_frequency(client):
    from dailypapers.digests.links import make_token

    subscription = subscriber()
    url = f"/subscribe/manage/{make_token(subscription, 'manage')}"
    response = client.post(url, {"frequency": "weekly", "topics": "agents", "categories": "cs.AI"})
    assert "Saved." in response.content.decode()
    subscription.refresh_from_db()
    assert (subscription.frequency, subscription.topics, subscription.categories) == (
        "weekly",
        ["agents"],
        ["cs.AI"],
    )


def test_the_preview_shows_the_next_digest(client):
    from dailypapers.digests.links import make_token

    papers_of_the_day()
    subscription = subscriber(topics=["alignment"])
    html = client.get(f"/subscribe/preview/{make_token(subscription, 'preview')}").content.decode()
    assert "Loud paper on agents" in html
    assert "Your topic: alignment" in html


def test_subscribing_is_rate_limited_per_address(client, settings, smtp):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "subscribe.ip": "2/h"}
    for n in range(2):
        assert (
            client.post(
                "/subscribe", {"email": f"u{n}@example.org", "frequency": "daily"}
            ).status_code
            == 200
        )
    response = client.post("/subscribe", {"email": "u9@example.org", "frequency": "daily"})
    assert response.status_code == 429
    assert not Subscription.objects.filter(email="u9@example.org").exists()


def test_a_mail_server_that_is_down_still_gets_the_same_answer(settings, mails_on_commit):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    with mails_on_commit(execute=True) as callbacks:
        response = Client().post("/subscribe", {"email": "a@example.org", "frequency": "daily"})
    assert len(callbacks) == 1  # the mail was tried, failed, and was logged
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()


def test_confirmation_mails_to_one_address_are_limited_from_any_ip(settings, smtp):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "mail.email": "3/h"}
    answers = [
        Client(REMOTE_ADDR=f"10.0.0.{n}").post(
            "/subscribe", {"email": "victim@example.org", "frequency": "daily"}
        )
        for n in range(8)
    ]
    assert [answer.status_code for answer in answers] == [200] * 3 + [429] * 5
    assert "Too many attempts to mail this address" in answers[-1].content.decode()


def test_an_unverified_account_never_sees_the_digest_of_its_address(
    client, settings, smtp, mails_on_commit
):
    """Someone signs up with a subscriber's address: no digest, no signed links for them."""
    from tests.support.personas import PASSWORD

    papers_of_the_day()
    subscriber(email="carol@example.org", topics=["alignment"])
    form = {"email": "carol@example.org", "username": "notcarol"}
    form |= {"password1": PASSWORD, "password2": PASSWORD}
    with mails_on_commit(execute=True):
        assert client.post("/accounts/signup", form).status_code == 302
    # Not logged in by signing up; and logged in, the address is still unverified.
    assert client.get("/subscribe/preview").status_code == 302
    login = client.post("/accounts/login", {"username": "notcarol", "password": PASSWORD})
    assert login.status_code == 302
    preview = client.get("/subscribe/preview")
    assert preview.status_code == 403
    page = preview.content.decode()
    assert "Verify your email first" in page
    assert "/subscribe/manage/" not in page and "/subscribe/unsubscribe/" not in page


def test_a_verified_account_previews_the_digest_of_its_address(client):
    from tests.support.personas import make_user

    papers_of_the_day()
    subscriber(email="dave@example.org", topics=["alignment"])
    client.force_login(make_user("dave"))
    preview = client.get("/subscribe/preview")
    assert preview.status_code == 200 and "Your topic: alignment" in preview.content.decode()
