"""Days, weeks and months at the edges of the calendar: a clear 404 on pages and 400 in the
API, never a 500 from a previous or next period Python cannot name."""

import pytest

from dailypapers.lib.dates import parse_period

pytestmark = pytest.mark.django_db

EDGES = [
    ("date", "0001-01-01"),
    ("date", "9999-12-31"),
    ("date", "9999-12-25"),
    ("week", "0001-W01"),
    ("week", "9999-W52"),
    ("month", "0001-01"),
    ("month", "9999-12"),
]


@pytest.mark.parametrize(("kind", "key"), EDGES)
def test_a_period_at_the_edge_of_the_calendar_is_refused(kind, key):
    with pytest.raises(ValueError, match="out of range"):
        parse_period(kind, key)


@pytest.mark.parametrize(("kind", "key"), EDGES)
def test_its_page_is_a_404(client, kind, key):
    response = client.get(f"/papers/{kind}/{key}")
    assert response.status_code == 404


@pytest.mark.parametrize(("kind", "key"), EDGES)
def test_the_api_answers_400(client, kind, key):
    response = client.get(f"/api/daily_papers?{kind}={key}")
    assert response.status_code == 400
    assert "out of range" in response.json()["error"]


def test_the_edges_just_inside_still_work(client):
    for kind, key in [("date", "0002-01-01"), ("week", "9998-W52"), ("month", "9998-12")]:
        assert client.get(f"/papers/{kind}/{key}").status_code == 200


def test_unicode_digits_name_no_period(client):
    assert client.get("/papers/month/\uff12\uff10\uff12\uff16-05").status_code == 404
    assert client.get("/papers/week/2026-W\uff12\uff12").status_code == 404
