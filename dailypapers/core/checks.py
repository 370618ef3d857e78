"""Django system checks of our own settings: ``dailypapers check`` (and every command that
runs the checks) reports a bad value by its environment variable, instead of a traceback at
import or a failure at the first request that reads it.

``settings.py`` reads each value once and notes what it could not read (``SETTINGS_ERRORS``);
the checks here report those, then the values that were read but are out of range. What the
values mean is in docs/settings.md; nothing here reads the environment itself.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from dailypapers.core.ratelimits import Rate

CHOICES = {
    # setting: (environment variable, allowed values)
    "SEARCH_VECTOR_INDEX": ("DAILYPAPERS_VECTOR_INDEX", ("auto", "exact", "hnsw")),
    "RATE_LIMIT_STORE": ("RATE_LIMIT_STORE", ("auto", "database", "cache")),
}
# setting: (environment variable, smallest value, why)
MINIMUMS = {
    "ARXIV_REQUEST_SPACING": ("ARXIV_REQUEST_SPACING", 3, "arXiv's terms of use"),
    "HF_REQUEST_SPACING": ("HF_REQUEST_SPACING", 0, "a spacing"),
    "SEARCH_HNSW_THRESHOLD": ("DAILYPAPERS_HNSW_THRESHOLD", 1, "a number of vectors"),
    "SEARCH_VECTOR_REFRESH_SECONDS": ("DAILYPAPERS_VECTOR_REFRESH_SECONDS", 0, "a delay"),
}


@register()
def settings_from_the_environment(app_configs=None, **kwargs) -> list[Error]:
    """Every value of the environment that could not be read, or is out of range."""
    errors = [
        Error(message, hint="See docs/settings.md.", id="dailypapers.E001")
        for message in getattr(settings, "SETTINGS_ERRORS", [])
    ]
    for name, (variable, allowed) in CHOICES.items():
        value = getattr(settings, name)
        if value not in allowed:
            errors.append(
                Error(
                    f"{variable} must be {', '.join(allowed[:-1])} or {allowed[-1]}, not {value!r}",
                    id="dailypapers.E002",
                )
            )
    for name, (variable, least, what) in MINIMUMS.items():
        if getattr(settings, name) < least:
            errors.append(
                Error(
                    f"{variable} must be at least {least} ({what}), "
                    f"not {getattr(settings, name)!r}",
                    id="dailypapers.E003",
                )
            )
    for action, rate in settings.RATE_LIMITS.items():
        try:
            Rate.parse(rate)
        except ValueError as error:
            errors.append(Error(f"RATE_LIMITS: {action}: {error}", id="dailypapers.E004"))
    return errors


def refusal() -> str:
    """The errors of ``settings_from_the_environment`` as one message, or "" if none: for the
    entry points that start without running the checks (``cli.py``, ``wsgi.py``)."""
    errors = settings_from_the_environment()
    if not errors:
        return ""
    lines = "\n".join(f"  {error.msg}" for error in errors)
    return f"dailypapers: the settings cannot be used (docs/settings.md):\n{lines}"
