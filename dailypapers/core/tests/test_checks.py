"""The system checks of our settings (core/checks.py): a bad value is reported by its
environment variable, by ``dailypapers check`` and by every other entry point, never as a
traceback at import."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.checks import run_checks


def run(*args: str, tmp_path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env={"DAILYPAPERS_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", **env},
        timeout=120,
    )


def test_check_reports_every_bad_value_at_once_by_its_variable(tmp_path):
    result = run(
        "-m",
        "dailypapers",
        "check",
        tmp_path=tmp_path,
        DAILYPAPERS_VECTOR_INDEX="fast",
        DAILYPAPERS_HNSW_THRESHOLD="lots",
        ARXIV_REQUEST_SPACING="1",
        RATE_LIMITS="vote.user=often,nothing.ip=1/m",
        DEBUG="ture",
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    for message in (
        "DAILYPAPERS_VECTOR_INDEX must be auto, exact or hnsw, not 'fast'",
        "DAILYPAPERS_HNSW_THRESHOLD must be an integer, not 'lots'",
        "ARXIV_REQUEST_SPACING must be at least 3",
        "RATE_LIMITS: vote.user: a rate is like 10/m",
        "RATE_LIMITS: unknown limit 'nothing.ip'",
        "DEBUG must be true or false, not 'ture'",
    ):
        assert message in result.stderr, result.stderr


def test_check_passes_the_defaults(tmp_path):
    result = run("-m", "dailypapers", "check", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_any_other_command_refuses_to_run_with_a_bad_value(tmp_path):
    result = run("-m", "dailypapers", "migrate", tmp_path=tmp_path, RATE_LIMIT_STORE="redis")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "RATE_LIMIT_STORE must be auto, database or cache, not 'redis'" in result.stderr
    assert not (tmp_path / "dailypapers.sqlite3").exists()  # it did nothing


def test_a_wsgi_server_refuses_to_load_the_site_with_a_bad_value(tmp_path):
    result = run(
        "-c",
        "import dailypapers.wsgi",
        tmp_path=tmp_path,
        DAILYPAPERS_VECTOR_REFRESH_SECONDS="soon",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DAILYPAPERS_VECTOR_REFRESH_SECONDS must be a number, not 'soon'" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "variable"),
    [
        ("SEARCH_VECTOR_INDEX", "fast", "DAILYPAPERS_VECTOR_INDEX"),
        ("SEARCH_HNSW_THRESHOLD", 0, "DAILYPAPERS_HNSW_THRESHOLD"),
        ("SEARCH_VECTOR_REFRESH_SECONDS", -1, "DAILYPAPERS_VECTOR_REFRESH_SECONDS"),
        ("HF_REQUEST_SPACING", -1, "HF_REQUEST_SPACING"),
    ],
)
def test_a_value_out_of_range_is_a_check_error(settings, name, value, variable):
    setattr(settings, name, value)
    errors = [error for error in run_checks() if (error.id or "").startswith("dailypapers.")]
    assert [variable in error.msg for error in errors] == [True]
