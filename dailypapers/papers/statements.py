"""Queries of the reading pages compiled to SQL once per process, then run with new values.

Turning a QuerySet into SQL (resolving lookups, joins, the select list, ordering) cost more
than running it: at 170k papers a daily page spent about half of its CPU in Django's query
compiler for seven small queries whose text never changes, only their dates and ids
(cProfile, 2026-11-30). A ``Statement`` builds its QuerySet once with stand-in values
(``sentinels``: dates and ids no row has), remembers where they landed among the
parameters, and later runs the same SQL with the real values in those places. The QuerySet
stays the one source of what is asked (``DailyEntry.objects.visible()`` and the rest); only
its compiled text is kept. Whatever else a QuerySet depends on (a setting such as
``ARXIV_CATEGORIES``, a LIMIT that Django writes into the text) must be part of ``variant``.

Rows come back as the database driver gives them: no model instances and no column
conversions (a SQLite date is its ISO text; ``as_date`` reads it). Except that SQLite gives
the driver each column's declared type, and the converters Django registers for it parse every
``datetime``, ``date`` and ``bool`` column: a statement whose rows are only hashed or compared
(``stored_text=True``) selects its plain columns as ``+column`` on SQLite, an expression with no
declared type, so they come as stored (text, integers). On a daily page that was ~200
datetime parses per request (cProfile at 170k papers, 2026-11-30). What is not here: which
queries a page makes (views.py, cards.py, announced.py).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.db import connections, models

# The SQL, its parameters with the sentinels, and (place, which sentinel) of each of them.
Compiled = tuple[str, list[Any], list[tuple[int, int]]]
Build = Callable[..., "models.QuerySet[Any] | Sequence[models.QuerySet[Any]]"]

# One select-list item that is a bare column ("table"."column" or T6."column"), between the
# SELECT or a comma and the next comma or the FROM: expressions ("(a + b) AS x") are left.
_BARE_COLUMN = re.compile(r'(?:(?<=SELECT )|(?<=, ))((?:"\w+"|T\d+)\."\w+")(?=, | FROM )')


def stored_text_columns(sql: str) -> str:
    """``sql`` (as Django's compiler writes a SELECT for SQLite) with each bare column of its
    select list written ``+column``: the same value, but SQLite gives no declared type for
    it, so no converter runs on it. Only the select list changes (WHERE, ORDER BY keep their
    indexes: a ``+`` there would stop SQLite from using one)."""
    select, sep, rest = sql.partition(" FROM ")
    if not select.startswith("SELECT ") or not sep:
        raise ValueError(f"not a SELECT ... FROM statement: {sql!r}")
    return _BARE_COLUMN.sub(r"+\1", select + sep) + rest


class Statement:
    """``build(variant, *sentinels)`` returns a QuerySet, or several whose first value each
    is read as one row of scalar subqueries (``SELECT (a), (b), ...``: one round trip for
    several lookups). ``run(values, variant)`` runs it with ``values`` in the sentinels'
    places; it is compiled once per database vendor and ``variant``."""

    def __init__(
        self, build: Build, sentinels: Sequence[dt.date | int], stored_text: bool = False
    ) -> None:
        self.build = build
        self.sentinels = tuple(sentinels)
        self.stored_text = stored_text
        self._compiled: dict[Hashable, Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str, variant: Hashable) -> Compiled:
        built = self.build(variant, *self.sentinels)
        querysets = [built] if isinstance(built, models.QuerySet) else list(built)
        parts: list[str] = []
        params: list[Any] = []
        for queryset in querysets:
            sql, part_params = queryset.using(alias).query.sql_with_params()
            parts.append(sql)
            params.extend(part_params)
        sql = parts[0] if isinstance(built, models.QuerySet) else f"SELECT ({'), ('.join(parts)})"
        if self.stored_text and connections[alias].vendor == "sqlite":
            sql = stored_text_columns(sql)
        slots = []
        for place, param in enumerate(params):
            for which, sentinel in enumerate(self.sentinels):
                if param == sentinel or (isinstance(param, str) and param == str(sentinel)):
                    slots.append((place, which))
        found = {which for _, which in slots}
        if found != set(range(len(self.sentinels))):
            # A value Django wrote into the SQL text cannot be replaced: fail at once.
            raise ValueError(f"sentinels not among the parameters of {sql!r}: {params!r}")
        return sql, list(params), slots

    def run(self, values: Sequence[Any], variant: Hashable = ()) -> list[tuple]:
        alias = "default"
        connection = connections[alias]
        key = (connection.vendor, variant)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compile(alias, variant)
                self._compiled[key] = compiled
        sql, params, slots = compiled
        params = list(params)
        for place, which in slots:
            # As the field adapted the stand-in: SQLite takes a date as text, PostgreSQL as is.
            value = values[which]
            params[place] = str(value) if isinstance(params[place], str) else value
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


# Statements of ``rows_by_ids``: one per (name, number of ids).
_BY_IDS: dict[tuple[str, int], Statement] = {}


def rows_by_ids(
    name: str,
    build: Callable[..., models.QuerySet[Any]],
    ids: Sequence[int],
    model: type[models.Model],
    columns: Sequence[str],
) -> list[list[Any]]:
    """The rows of ``build(count, *ids)`` (a ``values_list`` of ``model``'s ``columns``) for
    ``ids``, through one statement per ``name`` and number of ids, each value converted as
    Django would convert its column (a JSON column decoded, a SQLite datetime made aware; a
    column across a relation, ``a__b``, is left as given). What the search results page and a
    similar-papers ranking read their few rows with."""
    if not ids:
        return []
    count = len(ids)
    statement = _BY_IDS.get((name, count))
    if statement is None:
        # Stand-ins for the ids while it is compiled: no row has a negative id.
        statement = Statement(build, [-8_150_001 - n for n in range(count)])
        statement = _BY_IDS.setdefault((name, count), statement)
    rows = statement.run(list(ids), count)
    connection = connections["default"]
    converted = []
    for place, column_name in enumerate(columns):
        if "__" in column_name:
            continue
        field = model._meta.get_field(column_name)
        assert isinstance(field, models.Field)  # a column of the model's own table
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if converters:
            converted.append((place, column, converters))
    found = []
    for row in rows:
        values = list(row)
        for place, column, converters in converted:
            for convert in converters:
                values[place] = convert(values[place], column, connection)
        found.append(values)
    return found


def as_date(value: dt.date | str | None) -> dt.date | None:
    """A date column as the driver gave it (SQLite: ISO text; PostgreSQL: a date)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
