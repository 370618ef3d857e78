"""The ``dailypapers`` console script: Django's management commands under the project's name.

``dailypapers serve``, ``dailypapers migrate``, ``dailypapers demo load`` and every other command
are ordinary management commands; this module only points Django at our settings.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dailypapers", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
