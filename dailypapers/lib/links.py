"""Outbound links a page may print into ``href``: the one check every writer and reader uses.

A link comes from an upstream (Hugging Face's ``projectPage`` and ``githubRepo``), a user (the
API's links endpoint, the admin's forms) or the database (rows stored before this check). Each
goes through here, so ``javascript:``, ``data:`` and friends never reach a page, a mail, a feed
or the Markdown export:

- ``web_link``: an absolute ``http``/``https`` URL with a host, no credentials, no spaces or
  control characters, at most ``MAX_LENGTH`` characters.
- ``code_link``: a web link to a repository on a known code host (``CODE_HOSTS``), as
  ``https://<host>/<owner>/<repo>``; anything after the repository is dropped.

Both raise ``InvalidLink`` (a ``ValueError``) with a reason a person can read; the ``*_or_none``
forms answer ``None`` instead, for ingestion, which drops a bad link and keeps the paper.
What is not here: fetching links or checking that they exist.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = [
    "CODE_HOSTS",
    "MAX_LENGTH",
    "InvalidLink",
    "code_link",
    "code_link_or_none",
    "web_link",
    "web_link_or_none",
]

MAX_LENGTH = 500
# Where papers keep their code. Hugging Face only ever sends github.com; the others are what
# authors put on their own pages.
CODE_HOSTS = frozenset(
    {"github.com", "gitlab.com", "codeberg.org", "bitbucket.org", "huggingface.co"}
)
# A host name (IDNA labels) or a bracketed IPv6 address, with an optional port.
_HOST = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{1,63}\.?$|^\[[0-9a-f:.]+\]$"
)
# Owner and repository names as code hosts allow them (GitHub: letters, digits, "-", "_", ".").
_REPO_PART = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
# Spaces, controls (C0, DEL, C1) and the Unicode line/paragraph separators: a browser strips or
# reinterprets them ("java\tscript:" is javascript:), so a link that holds one is refused.
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029\ufeff]")


class InvalidLink(ValueError):
    """Text that is not a link we print; ``reason`` says why."""

    def __init__(self, text: object, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{str(text)[:80]!r}: {reason}")


def web_link(text: object) -> str:
    """``text`` stripped, if it is an absolute http(s) URL we can print; ``InvalidLink`` else."""
    if not isinstance(text, str):
        raise InvalidLink(text, "not a string")
    value = text.strip()
    if not value:
        raise InvalidLink(text, "empty")
    if len(value) > MAX_LENGTH:
        raise InvalidLink(text, f"longer than {MAX_LENGTH} characters")
    if _UNSAFE_CHARACTERS.search(value):
        raise InvalidLink(text, "holds spaces or control characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (reading the port validates it: "http://a:99999" raises)
    except ValueError:
        raise InvalidLink(text, "not a URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidLink(text, "only http and https links are allowed")
    if parts.username is not None or parts.password is not None:
        raise InvalidLink(text, "a link with a user name or password")
    host = (parts.hostname or "").lower()
    if not host or not _HOST.match(host if ":" not in host else f"[{host}]"):
        raise InvalidLink(text, "no valid host name")
    return value


def code_link(text: object) -> str:
    """``https://<code host>/<owner>/<repo>`` of a repository link; ``InvalidLink`` else.

    ``http://`` becomes ``https://``, ``www.`` and a trailing ``.git`` or ``/`` go, and so does
    any path below the repository (``/tree/main``), so one repository has one spelling.
    """
    value = web_link(text)
    parts = urlsplit(value)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host not in CODE_HOSTS:
        raise InvalidLink(text, f"code links must be on {', '.join(sorted(CODE_HOSTS))}")
    if parts.port is not None:
        raise InvalidLink(text, "code links have no port")
    segments = [segment for segment in parts.path.split("/") if segment]
    if len(segments) < 2:
        raise InvalidLink(text, "a code link names an owner and a repository")
    owner, repository = segments[0], segments[1].removesuffix(".git")
    if not (_REPO_PART.match(owner) and _REPO_PART.match(repository)):
        raise InvalidLink(text, "not an owner/repository name")
    if owner in (".", "..") or repository in (".", ".."):
        raise InvalidLink(text, "not an owner/repository name")
    return f"https://{host}/{owner}/{repository}"


def web_link_or_none(text: object) -> str | None:
    try:
        return web_link(text)
    except InvalidLink:
        return None


def code_link_or_none(text: object) -> str | None:
    try:
        return code_link(text)
    except InvalidLink:
        return None
