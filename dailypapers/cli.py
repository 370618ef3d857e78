"""The ``dailypapers`` console script: Django's management commands under the project's name.

``dailypapers serve``, ``dailypapers migrate``, ``dailypapers demo load`` and every other command
are ordinary management commands; this module points Django at our settings and refuses to run
any command but ``check`` with settings it cannot use (``core/checks.py`` says which), so a
command that skips the system checks (``help``, ``shell``) never runs on a default that stood
in for a typo.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    import django
    from django.core.management import execute_from_command_line

    args = argv if argv is not None else sys.argv[1:]
    if args[:1] != ["check"]:
        django.setup()
        from dailypapers.core.checks import refusal

        if message := refusal():
            sys.exit(message)
    execute_from_command_line(["dailypapers", *args])


if __name__ == "__main__":
    main()
