"""The exceptions the arXiv parsers raise, in one place so callers can catch by kind.

Every exception here is a ``ValueError`` subclass too, except the upstream's own refusals
(``ArxivApiError``, ``OaiError``): those are well-formed answers saying "no", and a harvester
reacts to them differently (a refused resumption token means restart from the ``from`` date).
"""

from __future__ import annotations


class ArxivSourceError(Exception):
    """Base of everything the arXiv parsers raise."""


class InvalidArxivId(ArxivSourceError, ValueError):
    """Text that is not an arXiv identifier in any form we accept."""

    def __init__(self, text: str, reason: str = "not an arXiv id") -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"{text!r}: {reason}")


class MalformedResponse(ArxivSourceError, ValueError):
    """Bytes that are not the document they claim to be (broken XML, missing required parts)."""


class ArxivApiError(ArxivSourceError):
    """The arXiv API answered with an error entry (it does so with HTTP 400 for a bad id)."""

    def __init__(self, message: str, error_id: str | None = None) -> None:
        self.message = message
        self.error_id = error_id
        super().__init__(f"arXiv API error: {message}")


class OaiError(ArxivSourceError):
    """An OAI-PMH ``<error code="...">``; subclasses name the codes a harvester handles."""

    code = "unknown"

    def __init__(self, message: str, code: str | None = None) -> None:
        self.message = message
        if code is not None:
            self.code = code
        super().__init__(f"OAI-PMH {self.code}: {message}")


class BadArgument(OaiError):
    code = "badArgument"


class BadResumptionToken(OaiError):
    """The token expired or is unknown: restart the harvest from its ``from`` date."""

    code = "badResumptionToken"


class BadVerb(OaiError):
    code = "badVerb"


class CannotDisseminateFormat(OaiError):
    code = "cannotDisseminateFormat"


class IdDoesNotExist(OaiError):
    code = "idDoesNotExist"


class NoRecordsMatch(OaiError):
    """Nothing changed in the window (or the set is unknown): an empty harvest, not a failure."""

    code = "noRecordsMatch"


class NoMetadataFormats(OaiError):
    code = "noMetadataFormats"


class NoSetHierarchy(OaiError):
    code = "noSetHierarchy"


_OAI_ERRORS: dict[str, type[OaiError]] = {
    cls.code: cls
    for cls in (
        BadArgument,
        BadResumptionToken,
        BadVerb,
        CannotDisseminateFormat,
        IdDoesNotExist,
        NoRecordsMatch,
        NoMetadataFormats,
        NoSetHierarchy,
    )
}


def oai_error_for(code: str, message: str) -> OaiError:
    """The exception for an OAI-PMH error code; unknown codes get the base class."""
    cls = _OAI_ERRORS.get(code)
    if cls is None:
        return OaiError(message, code=code or "unknown")
    return cls(message)
