from __future__ import annotations

import pytest

from dailypapers.sources.arxiv.ids import (
    InvalidArxivId,
    ParsedId,
    normalise_arxiv_id,
    parse_arxiv_id,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2510.11701", ("2510.11701", None)),
        ("2510.11701v3", ("2510.11701", 3)),
        ("arxiv:2510.11701", ("2510.11701", None)),
        ("arXiv:2510.11701v12", ("2510.11701", 12)),
        ("  2510.11701  ", ("2510.11701", None)),
        ("https://arxiv.org/abs/2510.11701v2", ("2510.11701", 2)),
        ("http://export.arxiv.org/abs/2510.11701", ("2510.11701", None)),
        ("https://arxiv.org/pdf/2510.11701v2.pdf", ("2510.11701", 2)),
        ("https://arxiv.org/pdf/2510.11701", ("2510.11701", None)),
        ("https://www.arxiv.org/abs/2510.11701/?context=cs#S2", ("2510.11701", None)),
        ("/pdf/2510.11701v1.pdf", ("2510.11701", 1)),
        ("/abs/2510.11701", ("2510.11701", None)),
        ("oai:arXiv.org:2203.01250v3", ("2203.01250", 3)),
        ("0704.0001", ("0704.0001", None)),
        ("hep-th/9901001v1", ("hep-th/9901001", 1)),
        ("math.GT/0309136", ("math/0309136", None)),
        ("cond-mat.str-el/0101001v2", ("cond-mat/0101001", 2)),
        ("https://arxiv.org/abs/astro-ph/0601001v1", ("astro-ph/0601001", 1)),
        ("https://arxiv.org/pdf/hep-th/9901001.pdf", ("hep-th/9901001", None)),
    ],
)
def test_it_reads_every_form_of_an_id(text: str, expected: tuple[str, int | None]) -> None:
    assert parse_arxiv_id(text) == ParsedId(*expected)


def test_it_returns_a_plain_tuple_that_unpacks() -> None:
    arxiv_id, version = parse_arxiv_id("2510.11701v3")
    assert (arxiv_id, version) == ("2510.11701", 3)


def test_it_normalises_to_the_id_without_version() -> None:
    assert normalise_arxiv_id("https://arxiv.org/abs/2510.11701v2") == "2510.11701"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "not an arXiv id"),
        ("", "empty"),
        ("0000.0000", "month 00"),
        ("hep-th/9913001", "month 13"),
        ("0808.05394", "4 digits"),
        ("2510.1170", "5 digits"),
        ("0612.0001", "start at 0704"),
        ("2510.11701v0", "versions start at v1"),
        ("https://arxiv.org/list/cs.AI/new", "not an abs, pdf or html page"),
        ("https://example.org/abs/2510.11701", "not an arXiv id"),
        ("2510.11701 and more", "not an arXiv id"),
    ],
)
def test_it_rejects_what_is_not_an_id_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidArxivId, match=reason) as caught:
        parse_arxiv_id(text)
    assert isinstance(caught.value, ValueError)
    assert caught.value.text == text


def test_it_rejects_a_non_string() -> None:
    with pytest.raises(InvalidArxivId, match="not a string"):
        parse_arxiv_id(2510.11701)  # type: ignore[arg-type]
