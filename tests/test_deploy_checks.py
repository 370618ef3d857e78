"""A public site's configuration (the environment of docs/deployment.md) passes Django's deploy
checks, and every HTML page carries the
Content-Security-Policy (core/csp.py)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

PUBLIC = {
    "ALLOWED_HOSTS": "papers.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://papers.example.org",
    "SITE_URL": "https://papers.example.org",
    "BEHIND_TLS_PROXY": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def deploy_check(tmp_path, env: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "DATABASE_URL", "DEBUG", "ALLOWED_HOSTS"))
    }
    environment.update(
        DAILYPAPERS_DATA_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SETTINGS_MODULE="dailypapers.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "dailypapers", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_public_configuration_passes_the_deploy_checks(tmp_path):
    result = deploy_check(tmp_path, PUBLIC)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_hsts_and_the_redirect_the_checks_warn(tmp_path):
    env = {k: v for k, v in PUBLIC.items() if not k.startswith("SECURE_")}
    result = deploy_check(tmp_path, env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/papers", "/papers/trending", "/accounts/login", "/admin/login/"])
def test_every_html_page_has_the_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "object-src 'none'" in policy


@pytest.mark.django_db
def test_json_answers_carry_no_page_policy(client):
    response = client.get("/api/papers")
    assert response.status_code == 200 and "Content-Security-Policy" not in response


@pytest.mark.django_db
def test_an_empty_setting_turns_the_policy_off(client, settings):
    settings.CONTENT_SECURITY_POLICY = ""
    assert "Content-Security-Policy" not in client.get("/papers")
