"""The docs keep up with the code, both ways: every setting read by the code and every command
is documented, and every ``dailypapers <command>`` that the README, docs/ or a docstring names
exists."""

import re
from pathlib import Path

from django.conf import global_settings
from django.core.management import get_commands

from dailypapers import settings as our_settings

ROOT = Path(__file__).resolve().parent.parent
# An environment variable read by the code: settings.py's helpers, os.getenv, os.environ.
SETTING = re.compile(
    r'(?:getenv|envbool|envint|envfloat|envlist|environ\.get|environ\.setdefault)\(\s*"([A-Z_]+)"'
    r'|environ\["([A-Z_]+)"\]'
)
# Django's own pointer to a settings module, not a setting of the site.
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}
# Read by a contrib app of Django with its own default, so not in global_settings.
CONTRIB_SETTINGS = {"MESSAGE_COOKIE_NAME"}
# A Django setting read by the code: an attribute of settings, or a getattr of one.
SETTING_READ = re.compile(r'\bsettings\.([A-Z][A-Z0-9_]*)\b|getattr\(settings,\s*"([A-Z_]+)"')
# A command as the docs write it: `dailypapers embed`, ``dailypapers digests send``, or at the
# start of a line of a shell example (.venv/bin/dailypapers ingest hf ...).
COMMAND = re.compile(r"(?:`|^\s*(?:\.venv/bin/)?)dailypapers ([a-z][a-z_-]*)", re.MULTILINE)


def python_files() -> list[Path]:
    return [
        path
        for folder in ("dailypapers", "tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    ]


def test_every_setting_read_from_the_environment_is_documented():
    documented = (ROOT / "docs" / "settings.md").read_text()
    read = set()
    for path in (ROOT / "dailypapers").rglob("*.py"):
        for groups in SETTING.findall(path.read_text()):
            read |= {name for name in groups if name}
    assert {"DEBUG", "ARXIV_REQUEST_SPACING", "OPENBLAS_NUM_THREADS"} <= read, "pattern broken"
    missing = sorted(name for name in read - NOT_SETTINGS if f"`{name}`" not in documented)
    assert not missing, f"add these to docs/settings.md: {missing}"


def test_no_setting_is_read_that_settings_py_does_not_define():
    # A setting read with a getattr default and defined nowhere is a hidden
    # setting: no environment variable sets it and docs/settings.md cannot list it.
    ours = {name for name in dir(our_settings) if name.isupper()}
    django = {name for name in dir(global_settings) if name.isupper()}
    read: dict[str, Path] = {}
    for path in python_files():
        for groups in SETTING_READ.findall(path.read_text()):
            read.update({name: path for name in groups if name})
    assert {"SEARCH_VECTOR_INDEX", "RATE_LIMITS", "SITE_URL"} <= read.keys(), "pattern broken"
    hidden = sorted(
        f"{name} ({path.relative_to(ROOT)})"
        for name, path in read.items()
        if name not in ours | django | CONTRIB_SETTINGS
    )
    assert not hidden, f"define these in dailypapers/settings.py and docs/settings.md: {hidden}"


def test_every_command_of_ours_is_documented():
    documented = (ROOT / "docs" / "cli.md").read_text()
    ours = sorted(name for name, app in get_commands().items() if app.startswith("dailypapers"))
    assert "serve" in ours
    missing = [name for name in ours if f"`dailypapers {name}" not in documented]
    assert not missing, f"add these to docs/cli.md: {missing}"


def test_every_command_the_docs_name_exists():
    commands = set(get_commands())
    texts = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *python_files()]
    named: dict[str, set[str]] = {}
    for path in texts:
        for name in COMMAND.findall(path.read_text()):
            named.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    assert {"embed", "ingest", "serve", "createsuperuser"} <= named.keys(), "pattern broken"
    unknown = {name: sorted(where) for name, where in named.items() if name not in commands}
    assert not unknown, f"no such command (fix the text, or write the command): {unknown}"
