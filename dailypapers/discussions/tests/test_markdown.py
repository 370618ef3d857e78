"""Comment Markdown is rendered, and whatever is hostile in it is neutralised."""

from html.parser import HTMLParser

import pytest

from dailypapers.discussions.markdown import render


class Elements(HTMLParser):
    """The tags and attributes a browser would build from the HTML (text is harmless)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, dict(attrs)))


def test_markdown_is_rendered():
    html = render("**bold** and `code`\n\n- one\n- two")
    assert (
        "<strong>bold</strong>" in html and "<code>code</code>" in html and "<li>one</li>" in html
    )


def test_links_are_kept_with_rel_nofollow():
    html = render("[the code](https://github.com/example/x)")
    assert 'href="https://github.com/example/x"' in html and 'rel="nofollow ugc noopener"' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<style>body{display:none}</style>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "![pixel](https://tracker.example/p.gif)",
        '<a href="https://x.example" onclick="alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        '[x](https://example.org "title" onmouseover="alert(1)")',
    ],
)
def test_scripts_styles_handlers_and_bad_links_never_survive(hostile):
    for tag, attributes in Elements(render(hostile)).found:
        assert tag not in ("script", "style", "img", "iframe")
        assert not any(name.startswith("on") for name in attributes)
        assert attributes.get("href", "https:").lower().startswith(("https:", "http:", "mailto:"))
