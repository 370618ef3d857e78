"""Every template's ``{% url %}`` reverses each URL once per process and writes what Django's
tag writes: arguments, ``as`` variables, escaping, a missing URL, another URLconf."""

import pytest
from django.http import HttpResponse
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import NoReverseMatch, path

from dailypapers.core.templatetags import kept_urls


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_the_tag_writes_what_reverse_gives():
    assert render("{% url 'papers:index' %}") == "/papers"
    assert render("{% url 'papers:paper' arxiv_id %}", arxiv_id="2605.01234") == (
        "/papers/2605.01234"
    )
    assert render("{% url 'papers:week' key=key %}", key="2026-W21") == "/papers/week/2026-W21"
    assert render("{% url 'papers:author' name %}", name="A & B") == "/authors/A%20&amp;%20B"
    assert render("{% url 'papers:author' name as link %}[{{ link }}]", name="Ada") == (
        "[/authors/Ada]"
    )


def test_a_url_is_reversed_once_then_kept(monkeypatch):
    kept_urls._reverse.cache_clear()
    render("{% url 'papers:trending' %}")
    monkeypatch.setattr(kept_urls, "reverse", pytest.fail)  # any reverse now fails
    assert render("{% url 'papers:trending' %}") == "/papers/trending"
    assert kept_urls._reverse.cache_info().hits == 1


def test_a_missing_url_fails_as_djangos_does_unless_kept_in_a_variable():
    with pytest.raises(NoReverseMatch):
        render("{% url 'papers:no-such-page' %}")
    assert render("{% url 'papers:no-such-page' as link %}[{{ link }}]") == "[]"
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_an_argument_that_cannot_be_a_key_is_reversed_each_time():
    class Unhashable(str):
        __hash__ = None  # type: ignore[assignment]

    assert render("{% url 'papers:author' name %}", name=Unhashable("Ada")) == "/authors/Ada"


urlpatterns = [path("elsewhere/", lambda request: HttpResponse(), name="trending")]


def test_another_urlconf_gets_its_own_urls():
    assert render("{% url 'papers:trending' %}") == "/papers/trending"
    with override_settings(ROOT_URLCONF=__name__):
        assert render("{% url 'trending' %}") == "/elsewhere/"
    assert render("{% url 'papers:trending' %}") == "/papers/trending"


@pytest.mark.parametrize(
    "text",
    [
        "{% static 'dailypapers/site.css' %}",
        "{% static path %}",
        "{% static path as link %}[{{ link }}]",
        "{% static 'a b&c.css' %}",
    ],
)
def test_the_static_tag_writes_what_djangos_writes(text):
    django_tag = "{% load static %}" + text  # a loaded library overrides the builtin
    kept = Template(text)
    assert isinstance(kept.nodelist[0], kept_urls.KeptStaticNode)
    assert kept.render(Context({"path": "x/y.js"})) == render(django_tag, path="x/y.js")


def test_a_static_url_follows_a_change_of_static_url():
    before = render("{% static 'x/y.js' %}")
    with override_settings(STATIC_URL="/elsewhere/"):
        assert render("{% static 'x/y.js' %}") == "/elsewhere/x/y.js"
    assert render("{% static 'x/y.js' %}") == before


def test_where_urls_are_reversed_is_read_once_per_resolved_request(monkeypatch, rf):
    from django.template import RequestContext
    from django.urls import resolve

    request = rf.get("/papers")
    page = Template("{% url 'papers:trending' %} {% url 'papers:index' %}")
    assert page.render(RequestContext(request)) == "/papers/trending /papers"
    assert not hasattr(request, kept_urls._PLACE), "unresolved: the URLconf may still change"
    request.resolver_match = resolve("/papers")
    assert page.render(RequestContext(request)) == "/papers/trending /papers"
    assert getattr(request, kept_urls._PLACE)[0] == request.resolver_match.namespace
    monkeypatch.setattr(kept_urls, "get_script_prefix", pytest.fail)  # read now: fails
    monkeypatch.setattr(kept_urls, "get_urlconf", pytest.fail)
    assert page.render(RequestContext(request)) == "/papers/trending /papers"
