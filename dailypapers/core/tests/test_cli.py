"""The ``dailypapers`` console script, run as a user runs it."""

import subprocess
import sys

import pytest

COMMANDS = ["serve", "demo", "reindex", "migrate", "ingest", "import", "embed"]


def run(*args: str, tmp_path) -> subprocess.CompletedProcess:
    env = {"DAILYPAPERS_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "dailypapers", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_help_lists_the_project_commands(tmp_path):
    result = run("help", tmp_path=tmp_path)
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, tmp_path):
    result = run(command, "--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "usage: dailypapers " + command in result.stdout


def test_a_typo_in_a_boolean_setting_is_refused(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "dailypapers", "help"],
        capture_output=True,
        text=True,
        env={"DAILYPAPERS_DATA_DIR": str(tmp_path), "DEBUG": "ture"},
        timeout=60,
    )
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_demo_refuses_an_unknown_action(tmp_path):
    result = run("demo", "unload", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "invalid choice" in result.stderr
