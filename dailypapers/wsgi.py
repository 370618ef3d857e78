"""WSGI entry point for gunicorn (``dailypapers serve``) or any other WSGI server.

A server started on its own runs no system checks, so settings that cannot be used
(``core/checks.py``) stop it here rather than serve with a default standing in for a typo.
"""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
application = get_wsgi_application()

from dailypapers.core.checks import refusal  # noqa: E402 (needs the apps loaded above)

if message := refusal():
    raise ImproperlyConfigured(message)
