"""``python -m dailypapers``: the same as the ``dailypapers`` console script."""

from dailypapers.cli import main

main()
