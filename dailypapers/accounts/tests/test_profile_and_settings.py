"""The public profile, profile settings (name, username, avatar) and what they refuse."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dailypapers.accounts.models import Profile

pytestmark = pytest.mark.django_db
# A real 16 x 16 PNG: the upload's header must declare a size (accounts/avatars.py).
PNG = (Path(__file__).parents[3] / "tests/fixtures/images/python.png").read_bytes()


def save(client, **fields):
    data = {"display_name": "", "username": "alice", **fields}
    return client.post("/accounts/settings", data)


def test_alice_renames_herself_and_her_initials_follow(as_alice, alice):
    assert save(as_alice, display_name="Alice Liddell").status_code == 302
    profile = Profile.objects.get(user=alice)
    assert profile.name == "Alice Liddell" and profile.initials == "AL"
    html = as_alice.get("/users/alice").content.decode()
    assert "Alice Liddell" in html and ">AL<" in html


def test_a_name_with_markup_or_invisible_characters_is_neutralised(as_alice, alice, client):
    assert (
        "Null characters are not allowed" in save(as_alice, display_name="a\x00").content.decode()
    )
    save(as_alice, display_name="<img src=x onerror=alert(1)>\u202eevil")
    name = Profile.objects.get(user=alice).display_name
    assert name == "<img src=x onerror=alert(1)>evil"
    html = client.get("/users/alice").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_an_overlong_name_or_a_taken_username_is_refused(as_alice, bob, alice):
    assert "at most 80" in save(as_alice, display_name="x" * 81).content.decode()
    assert "username is taken" in save(as_alice, username="BOB").content.decode()
    assert Profile.objects.get(user=alice).display_name == ""


def test_a_small_image_becomes_the_avatar_and_is_served_safely(as_alice, client):
    upload = SimpleUploadedFile("me.png", PNG, content_type="image/png")
    assert save(as_alice, avatar=upload).status_code == 302
    response = client.get("/users/alice/avatar")
    assert response["Content-Type"] == "image/png" and response.content == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("x.svg", b"<svg onload=alert(1)></svg>", "Upload a PNG"),
        ("x.png", b"<html><script>alert(1)</script>", "Upload a PNG"),
        ("big.png", PNG + b"\x00" * 200_000, "at most 100 kB"),
    ],
)
def test_anything_but_a_small_image_is_refused(as_alice, alice, name, content, error):
    response = save(as_alice, avatar=SimpleUploadedFile(name, content))
    assert error in response.content.decode()
    assert not Profile.objects.get(user=alice).avatar_type


def test_a_stranger_sees_only_public_collections(as_alice, alice, client):
    alice.paper_collections.create(name="Open list", public=True)
    alice.paper_collections.create(name="Secret list", public=False)
    mine = as_alice.get("/users/alice").content.decode()
    theirs = client.get("/users/alice").content.decode()
    assert "Open list" in mine and "Secret list" in mine
    assert "Open list" in theirs and "Secret list" not in theirs


def test_settings_need_a_login(client):
    assert client.get("/accounts/settings")["Location"].startswith("/accounts/login")


def test_a_suspended_users_profile_is_gone(client, alice):
    alice.is_active = False
    alice.save()
    assert client.get("/users/alice").status_code == 404
