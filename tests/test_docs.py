"""The operator docs keep up with the code: every setting and every command is documented."""

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
SETTING = re.compile(r'(?:getenv|envbool|envint|envlist)\("([A-Z_]+)"')


def test_every_setting_read_from_the_environment_is_documented():
    documented = (ROOT / "docs" / "settings.md").read_text()
    read = set()
    for path in (ROOT / "dailypapers").rglob("*.py"):
        read |= set(SETTING.findall(path.read_text()))
    assert read, "the pattern must find the settings"
    missing = sorted(name for name in read if f"`{name}`" not in documented)
    assert not missing, f"add these to docs/settings.md: {missing}"


def test_every_command_of_ours_is_documented():
    documented = (ROOT / "docs" / "cli.md").read_text()
    ours = sorted(name for name, app in get_commands().items() if app.startswith("dailypapers"))
    assert "serve" in ours
    missing = [name for name in ours if f"`dailypapers {name}" not in documented]
    assert not missing, f"add these to docs/cli.md: {missing}"
