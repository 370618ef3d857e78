"""One-line summaries: Hugging Face's ai_summary when there is one, else the abstract's most
central sentence, labelled as taken from the abstract."""

from __future__ import annotations

import pytest
from django.test import Client

from dailypapers.papers.summaries import best_sentence, one_line, sentences
from tests.support.testing import list_on, make_paper

ABSTRACT = (
    "Large language models are widely used. "
    "Retrieval helps language models answer questions about recent events. "
    "We propose RetroLM, a retrieval-augmented language model that learns when to retrieve "
    "and improves question answering accuracy of language models by 12 points. "
    "Experiments use three benchmarks."
)


def test_sentences_do_not_end_at_abbreviations_or_decimals():
    text = "Models (e.g. GPT-4) score 3.5 points more, cf. Table 2. We show it. Done here now."
    assert sentences(text) == [
        "Models (e.g. GPT-4) score 3.5 points more, cf. Table 2.",
        "We show it.",
        "Done here now.",
    ]


def test_the_central_contribution_sentence_is_chosen():
    assert best_sentence(ABSTRACT).startswith("We propose RetroLM")


def test_hugging_faces_summary_wins_and_is_labelled_as_theirs():
    line = one_line("RetroLM learns when to retrieve.", ABSTRACT)
    assert line is not None and line.source == "hugging-face" and not line.is_extract


def test_no_abstract_no_summary():
    assert one_line("", "") is None
    line = one_line("", "Only one sentence here")
    assert line is not None and line.text == "Only one sentence here"


@pytest.mark.django_db
def test_cards_label_an_extract_as_from_the_abstract_never_as_ai():
    import datetime as dt

    paper = make_paper("RetroLM", abstract=ABSTRACT)
    list_on(paper, dt.date(2026, 5, 20))
    page = Client().get("/papers/date/2026-05-20").content.decode()
    assert "From the abstract</span> We propose RetroLM" in page
    assert "AI summary" not in page


@pytest.mark.django_db
def test_cards_show_hugging_faces_ai_summary_labelled():
    import datetime as dt

    paper = make_paper(
        "RetroLM", abstract=ABSTRACT, ai_summary="RetroLM retrieves only when needed."
    )
    list_on(paper, dt.date(2026, 5, 20))
    page = Client().get("/papers/date/2026-05-20").content.decode()
    assert "AI summary</span> RetroLM retrieves only when needed." in page


# The NEO abstract (arXiv 2605.28820, bundled demo data): its contribution sentence opens
# with "Hence, we ...", and a "Notably, ..." sentence shares as many of its words.
NEO_ABSTRACT = (
    "Current vision-language models (VLMs) typically stitch together separate image encoders "
    "and language decoders via multi-stage alignment, a modular framework that inevitably "
    "fragments pixel-level signals across frames and scatters early pixel-word interactions. In"
    " parallel, native VLMs, despite impressive performance on single images, remain largely "
    "unexplored in multi-image, video understanding, and spatial intelligence. Hence, we "
    "introduce NEO-ov, a native foundation model that learns cross-frame and pixel-word "
    "correspondence end-to-end, without any external encoders, auxiliary adapters, or post-hoc "
    "fusion. By eliminating module boundaries entirely, NEO-ov enables fine-grained and unified"
    " spatiotemporal modeling to emerge natively inside the model. Notably, NEO-ov largely "
    "narrows the gap to modular counterparts while excelling at fine-grained visual perception,"
    ' validating that native "one-vision" architectures are not only feasible but competitive '
    "at scale. Beyond empirical performance, we unveil systematic architectural analyses and "
    "detailed training recipes to facilitate subsequent native multimodal modeling. Our code "
    "and models are publicly available at: https://github.com/EvolvingLMMs-Lab/NEO."
)


def test_a_contribution_after_a_lead_in_still_counts():
    assert best_sentence(NEO_ABSTRACT).startswith("Hence, we introduce NEO-ov")
