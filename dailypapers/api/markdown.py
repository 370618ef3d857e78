"""A paper as Markdown: ``/papers/{id}.md``, and the paper page asked with
``Accept: text/markdown`` (what ``huggingface_hub``'s ``read_paper`` and LLM tools send).

Both the API's URL and the paper page (``papers/views.py``) call ``paper_markdown`` from here,
so the page never imports the API's JSON views. The JSON shapes are ``serializers.py``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from dailypapers.api.lists import get_paper
from dailypapers.api.responses import api_view
from dailypapers.papers.models import Paper
from dailypapers.pdfs import storage as pdf_files


def markdown(paper: Paper) -> str:
    """The paper as Markdown: title, authors, dates, links, summary and abstract."""
    links = [f"[arXiv]({paper.abs_url})", f"[PDF]({paper.pdf_url})"]
    if paper.code_link:
        links.append(f"[Code]({paper.code_link})")
    if paper.project_link:
        links.append(f"[Project page]({paper.project_link})")
    lines = [f"# {' '.join(paper.title.split())}", ""]
    if paper.author_names:
        lines += [f"**Authors:** {', '.join(paper.author_names)}", ""]
    if paper.published_at:
        lines += [f"**Published:** {paper.published_at:%Y-%m-%d}", ""]
    if paper.categories:
        lines += [f"**Categories:** {', '.join(paper.categories)}", ""]
    lines += [f"**Links:** {' · '.join(links)}", ""]
    if paper.ai_summary:
        lines += ["## Summary", "", paper.ai_summary, ""]
    lines += ["## Abstract", "", paper.abstract or "(not fetched from arXiv yet)", ""]
    return "\n".join(lines)


def prefers_markdown(request: HttpRequest) -> bool:
    """Whether the client asks for Markdown over HTML (``Accept: text/markdown``)."""
    accepted = request.headers.get("Accept", "")
    return "text/markdown" in accepted and "text/html" not in accepted


@api_view("GET")
def paper_markdown(request: HttpRequest, name: str) -> HttpResponse:
    found = get_paper(name)
    text = markdown(found) + full_text_markdown(found.arxiv_id)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Vary"] = "Accept"
    return response


def full_text_markdown(arxiv_id: str) -> str:
    """The "Full text" section: the PDF's text once the thumbnail worker extracted it, else a
    line saying that this is the abstract only (docs/thumbnails.md)."""
    text = pdf_files.read_text(arxiv_id)
    if text is None:
        return "## Full text\n\nNot fetched yet: this is the abstract only.\n"
    return (
        "## Full text\n\n*Extracted from the PDF; layout, formulas and figures are lost.*\n\n"
        + text
        + "\n"
    )
