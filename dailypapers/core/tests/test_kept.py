"""``Kept``: a value is made once while young, made again when old, and the store stays bounded."""

from functools import partial

from dailypapers.core.kept import Kept


def test_a_kept_value_is_reused_while_young_and_made_again_when_old():
    made: list[str] = []

    def make(value: str) -> str:
        made.append(value)
        return value

    young: Kept[str] = Kept(seconds=60, most=10)
    assert young.get("k", lambda: make("first")) == "first"
    assert young.get("k", lambda: make("second")) == "first"
    old: Kept[str] = Kept(seconds=0, most=10)
    old.get("k", lambda: make("first"))
    assert old.get("k", lambda: make("second")) == "second"
    assert made == ["first", "first", "second"]


def test_the_store_never_holds_more_than_its_bound():
    kept: Kept[int] = Kept(seconds=60, most=3)
    for key in range(10):
        kept.get(key, partial(int, key))
        assert len(kept) <= 3
    kept.clear()
    assert len(kept) == 0
