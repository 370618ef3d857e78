"""Django's SQLite backend with a write lock that a waiting request wins (``base.py``)."""
