"""arXiv category names (``cs.CL``, ``math.AG``, ``hep-th``, ``cond-mat.str-el``): the one shape
that the search filters, the API's ``category=``, digest topics, follows and the OpenAPI
document check a category against.

An archive of 2 to 20 lowercase letters and hyphens, then optionally a dot and a subject class
of up to 10 letters and hyphens, each starting with a letter; ASCII only, the whole text (no
trailing newline). What is not here: whether arXiv has such a category (its list changes).
"""

from __future__ import annotations

import re

__all__ = ["CATEGORY_PATTERN", "is_category"]

CATEGORY_PATTERN = r"[a-z][a-z-]{1,19}(?:\.[A-Za-z][A-Za-z-]{0,9})?"
_CATEGORY = re.compile(CATEGORY_PATTERN, re.ASCII)


def is_category(text: object) -> bool:
    return isinstance(text, str) and _CATEGORY.fullmatch(text) is not None
