"""Links found in a paper's own text (abstract, arXiv comments field): its code repository,
project page, and the Hugging Face models, datasets and Spaces it points at.

"Our code and models are publicly available at https://github.com/EvolvingLMMs-Lab/NEO." is
the common case; authors also write bare ``github.com/owner/repo`` and end the link with a full
stop or a bracket, which is not part of it. Every candidate passes ``lib.links`` (``code_link``
for repositories, ``web_link`` for the rest), so nothing a page could not print safely is kept.

What is not here: storing (``writing.py`` fills ``Paper.github_repo`` and ``project_page``
from the first found when no source gave one), fetching stars (``dailypapers.repos``), the
API's shapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from dailypapers.lib.links import code_link_or_none, web_link_or_none

# A URL with a scheme, or a bare one on a host we recognise without it.
_URL = re.compile(
    r"(?:https?://|(?<![\w/.@-])(?=(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co)/))"
    r"[^\s<>\"'{}|\\^`]+",
    re.I,
)
_BARE_HOSTS = ("github.com/", "gitlab.com/", "huggingface.co/")
# Closing punctuation that ends a sentence or a bracket rather than the link.
_TRAILING = ".,;:!?)]}>*"
# Hugging Face paths under a model's owner that are not models.
_HF_NOT_MODELS = frozenset(
    {
        "papers",
        "docs",
        "blog",
        "collections",
        "organizations",
        "posts",
        "learn",
        "tasks",
        "settings",
        "join",
        "login",
        "pricing",
        "models",
        "api",
        "chat",
        "new",
        "spaces",
        "datasets",
    }
)
# Hosts of project pages. Other web links in an abstract are mostly references (a dataset's
# home, a licence, a DOI), which would be wrong as "Project page".
_PAGE_HOSTS = (".github.io", ".gitlab.io", ".pages.dev", ".netlify.app", ".vercel.app")


@dataclass
class FoundLinks:
    code: list[str] = field(default_factory=list)  # https://github.com/owner/repo, ...
    models: list[str] = field(default_factory=list)  # "owner/name" on Hugging Face
    datasets: list[str] = field(default_factory=list)
    spaces: list[str] = field(default_factory=list)
    project: list[str] = field(default_factory=list)  # pages on github.io and the like


def urls_in(text: str) -> list[str]:
    found: list[str] = []
    # Most abstracts hold no link, and these substring tests cost a fraction of the pattern's
    # search (a bulk import looks at every abstract). Every URL _URL matches holds "://" or
    # one of the bare hosts, bar a host spelled with a Turkish dotless or dotted i, which
    # re.I also folds to "i": no such host exists, and _classify drops it anyway.
    # Every URL holds a "/" (after the scheme, or after a bare host), and nine in ten
    # abstracts hold none: one character's search, before lowering the text for the hosts.
    if not text or "/" not in text:
        return found
    if "://" not in text:
        lowered = text.lower()  # once, not once a host
        if not any(host in lowered for host in _BARE_HOSTS):
            return found
    # A URL holds no whitespace, so each lies within one whitespace-separated word, and the
    # pattern looks at no character before the word's start but the whitespace (its
    # lookbehind refuses none of those): the words holding a "/" give the same matches, in
    # the same order, as the whole text. str.split() splits at exactly the characters \s
    # matches; scanning the pattern over every position of an abstract cost six times as much.
    matches = (match for word in text.split() if "/" in word for match in _URL.finditer(word))
    found.extend(_link(match.group(0)) for match in matches)
    return found


def _link(url: str) -> str:
    """A match of ``_URL`` as a link: trailing punctuation off, ``https://`` added if bare."""
    # Keep a closing bracket that the link itself opened ("wiki/Foo_(bar)").
    while (
        url and url[-1] in _TRAILING and not (url[-1] == ")" and url.count("(") >= url.count(")"))
    ):
        url = url[:-1]
    if not url.lower().startswith(("http://", "https://")):
        url = "https://" + url
    return url


def find_links(*texts: str) -> FoundLinks:
    """The links of ``texts`` (abstract, comments), sorted into kinds, each kept once."""
    links = FoundLinks()
    for url in (url for text in texts for url in urls_in(text)):
        kind, value = _classify(url)
        bucket = getattr(links, kind, None) if kind else None
        if bucket is not None and value not in bucket:
            bucket.append(value)
    return links


def _classify(url: str) -> tuple[str | None, str]:
    checked = web_link_or_none(url)
    if checked is None:
        return None, ""
    parts = urlsplit(checked)
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [segment for segment in parts.path.split("/") if segment]
    if host in ("huggingface.co", "hf.co"):
        return _hugging_face(segments)
    if host.endswith(("github.com", "gitlab.com", "codeberg.org", "bitbucket.org")):
        code = code_link_or_none(checked)
        return ("code", code) if code else (None, "")
    if host.endswith(_PAGE_HOSTS) or host == "sites.google.com":
        return "project", checked
    return None, ""


def _hugging_face(segments: list[str]) -> tuple[str | None, str]:
    kinds = {"datasets": "datasets", "spaces": "spaces"}
    if len(segments) >= 3 and segments[0] in kinds:
        repo = _repo_id(segments[1], segments[2])
        return (kinds[segments[0]], repo) if repo else (None, "")
    if len(segments) >= 2 and segments[0] not in _HF_NOT_MODELS:
        repo = _repo_id(segments[0], segments[1])
        return ("models", repo) if repo else (None, "")
    return None, ""


def _repo_id(owner: str, name: str) -> str | None:
    # Hugging Face checks its repository ids through code_link's rules: reuse them.
    link = code_link_or_none(f"https://huggingface.co/{owner}/{name}")
    return link.removeprefix("https://huggingface.co/") if link else None
