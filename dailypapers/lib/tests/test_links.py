"""lib/links.py: which links a page may print, and how code links are spelt."""

import pytest

from dailypapers.lib.links import (
    InvalidLink,
    code_link,
    code_link_or_none,
    web_link,
    web_link_or_none,
)

HOSTILE = [
    "javascript:alert('pp')",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript:alert(1)//https://github.com/a/b",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.org/x",
    "//evil.example/x",
    "/relative/path",
    "https://",
    "https:///no-host",
    "https://user:pass@example.org/",
    "https://example.org/\x00",
    "https://example.org/a b",
    "https://example.org/a\u2028b",
    "https://exa mple.org/",
    "https://example.org:99999/",
    "https://<script>/",
    "https://" + "a" * 600 + ".org/",
    "",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_link_that_is_not_plain_http_or_https_is_refused(text):
    with pytest.raises(InvalidLink):
        web_link(text)
    assert web_link_or_none(text) is None
    assert code_link_or_none(text) is None


@pytest.mark.parametrize("value", [None, 42, ["https://example.org"], {"u": 1}])
def test_a_link_that_is_not_a_string_is_refused(value):
    with pytest.raises(InvalidLink, match="not a string"):
        web_link(value)


@pytest.mark.parametrize(
    "text",
    [
        "https://mohsenhariri.github.io/bayes-kit",
        "http://example.org",
        "https://example.org:8443/a?b=c#d",
        "HTTPS://Example.org/Path",
        "https://[2001:db8::1]/x",
    ],
)
def test_an_http_or_https_link_is_kept_as_written(text):
    assert web_link(text) == text
    assert web_link(f"  {text}\n") == text


@pytest.mark.parametrize(
    ("text", "spelling"),
    [
        ("https://github.com/example/repo", "https://github.com/example/repo"),
        ("https://github.com/example/repo/", "https://github.com/example/repo"),
        ("http://www.github.com/example/repo.git", "https://github.com/example/repo"),
        ("https://github.com/example/repo/tree/main/src", "https://github.com/example/repo"),
        ("https://gitlab.com/group/project", "https://gitlab.com/group/project"),
        ("https://huggingface.co/org/model", "https://huggingface.co/org/model"),
    ],
)
def test_a_code_link_is_a_repository_on_a_code_host_in_one_spelling(text, spelling):
    assert code_link(text) == spelling


@pytest.mark.parametrize(
    "text",
    [
        "https://evil.example/github.com/a/b",
        "https://github.com.evil.example/a/b",
        "https://github.com/onlyowner",
        "https://github.com/a/<script>",
        "https://github.com:444/a/b",
        "https://github.com/../b",
        "javascript:alert(1)//https://github.com/a/b",
    ],
)
def test_a_code_link_elsewhere_or_without_a_repository_is_refused(text):
    with pytest.raises(InvalidLink):
        code_link(text)
