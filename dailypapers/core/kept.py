"""Values made once and kept a while in this process: ``Kept``.

For work many requests or digests repeat within minutes (a topic's matches, a rendered digest
body): the first asks make the value, the others reuse it until it is ``seconds`` old. The
store is bounded by emptying it when full, which costs one remaking of each value still in
use. Keys must say everything the value depends on; nothing here invalidates. Not a
cross-process cache: Django's cache framework is that.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    def __init__(self, seconds: float, most: int) -> None:
        self.seconds = seconds
        self.most = most
        self._items: dict[Hashable, tuple[float, V]] = {}

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept under ``key`` if younger than ``seconds``, else ``make()``'s, kept."""
        now = time.monotonic()
        kept = self._items.get(key)
        if kept is not None and now - kept[0] < self.seconds:
            return kept[1]
        value = make()
        if len(self._items) >= self.most:
            self._items.clear()
        self._items[key] = (now, value)
        return value

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
