"""The one shape of an arXiv category (sources/arxiv/categories.py)."""

import pytest

from dailypapers.sources.arxiv.categories import is_category


@pytest.mark.parametrize("name", ["cs.CL", "math.AG", "hep-th", "cond-mat.str-el", "q-bio.BM"])
def test_real_categories_have_the_shape(name):
    assert is_category(name)


@pytest.mark.parametrize(
    "text",
    [
        "cs.CL\n",
        "CS.CL",
        "c",
        "cs.",
        "-cs",
        "cs.CL.x",
        "cs.-CL",
        "\uff43\uff53.CL",
        "",
        None,
        "cs.CL ",
    ],
)
def test_anything_else_is_refused(text):
    assert not is_category(text)
