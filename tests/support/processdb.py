"""A database of its own for each data folder, for tests and benchmarks that run the site as
separate processes, whatever the database engine.

On SQLite a data folder already has its own database (the file in it), so there is nothing
to do. When ``DATABASE_URL`` names a PostgreSQL server, ``database_env(folder)`` creates (once)
a database named after the folder on that server and returns the ``DATABASE_URL`` for the
child processes; ``fetch`` reads from it, so a test can check rows either way. Meant for a
throwaway server (``bin/postgres``): the databases stay until the server is destroyed.

No Django import here, as in ``localsite.py``: the caller need not configure Django.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")


def _server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in POSTGRES_SCHEMES else None


def _url_of(folder: Path) -> str | None:
    url = _server_url()
    if url is None:
        return None
    name = "dp_" + hashlib.sha1(str(Path(folder).resolve()).encode()).hexdigest()[:20]
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def database_env(folder: Path) -> dict[str, str]:
    """Environment variables giving processes for ``folder`` a database of their own."""
    url = _url_of(folder)
    if url is None:
        return {}
    import psycopg  # only on PostgreSQL: SQLite installs need no driver
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_server_url() or "", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return {"DATABASE_URL": url}


def fetch(folder: Path, query: str, params: tuple = ()) -> list[tuple[Any, ...]]:
    """Rows of ``query`` (with ``%s`` placeholders) from the database of ``folder``."""
    url = _url_of(folder)
    if url is None:
        with sqlite3.connect(Path(folder) / "dailypapers.sqlite3") as connection:
            return connection.execute(query.replace("%s", "?"), params).fetchall()
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute(query, params).fetchall()  # type: ignore[arg-type]
