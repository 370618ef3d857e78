"""The subscription form: an address, a frequency, optional topics and categories.

Limits keep hostile input harmless: at most 10 topics of 100 characters, 10 categories of the
arXiv form, one email address (no header tricks: Django's EmailField refuses newlines).
"""

from __future__ import annotations

import re

from django import forms

from dailypapers.digests.models import Frequency
from dailypapers.sources.arxiv.categories import is_category

MAX_TOPICS = 10


class PreferencesForm(forms.Form):
    frequency = forms.ChoiceField(choices=Frequency.choices, initial=Frequency.DAILY)
    topics = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "alignment\ndiffusion models"}),
        help_text="One search per line, e.g. “alignment” or “diffusion models”.",
    )
    categories = forms.CharField(
        required=False,
        max_length=300,
        help_text="arXiv categories, separated by spaces or commas, e.g. cs.CL cs.LG.",
    )

    def clean_topics(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data["topics"].splitlines()]
        topics = list(dict.fromkeys(line for line in lines if line))
        if len(topics) > MAX_TOPICS:
            raise forms.ValidationError(f"At most {MAX_TOPICS} topics.")
        if any(len(topic) > 100 for topic in topics):
            raise forms.ValidationError("A topic can be at most 100 characters long.")
        return topics

    def clean_categories(self) -> list[str]:
        names = [c for c in re.split(r"[\s,]+", self.cleaned_data["categories"]) if c]
        bad = [name for name in names if not is_category(name)]
        if bad:
            raise forms.ValidationError(f"Not an arXiv category: {bad[0][:40]}")
        if len(names) > MAX_TOPICS:
            raise forms.ValidationError(f"At most {MAX_TOPICS} categories.")
        return list(dict.fromkeys(names))


class SubscribeForm(PreferencesForm):
    email = forms.EmailField(max_length=254)

    field_order = ["email", "frequency", "topics", "categories"]
