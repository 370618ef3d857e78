"""Plain-text abstracts in feeds: RSS <description> and Atom <summary type="html"> carry HTML,
so a reader un-escapes the XML once and renders the rest. An abstract that says "<script>"
must reach the reader as text: escaped for HTML inside the XML escaping."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from dailypapers.papers.models import Paper

pytestmark = pytest.mark.django_db
ABSTRACT = "We bound <script>alert(1)</script> & show a < b for <img src=x onerror=alert(2)>."
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hostile_abstract(papers):
    Paper.objects.filter(arxiv_id="2605.01003").update(abstract=ABSTRACT)


def html_of_the_entry(client, url: str) -> str:
    """What a reader renders as HTML: the element's text once the XML is parsed."""
    root = ElementTree.fromstring(client.get(url).content)
    if url.endswith(".atom"):
        summaries = root.iter(f"{ATOM}summary")
        found = [s for s in summaries if s.get("type") == "html" and "bound" in (s.text or "")]
    else:
        found = [d for d in root.iter("description") if "bound" in (d.text or "")]
    assert len(found) == 1
    return found[0].text or ""


@pytest.mark.parametrize("url", ["/papers/feed.xml", "/papers/feed.atom"])
def test_an_abstract_reaches_a_feed_reader_as_text_not_markup(client, hostile_abstract, url):
    html = html_of_the_entry(client, url)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp; show a &lt; b" in html
