"""Property-based tests of the API against its own OpenAPI document (schemathesis): for every
operation, generated requests, valid and invalid, get no 5xx and answers that match the
document (status codes, content types, headers, bodies).

Every operation is called with an API token of a verified admin, so the writing endpoints are
exercised past their token check (and generated ids of papers to index must be real ones).
Bounded for CI: a fixed number of examples per operation, no shrinking, on the shared live
site. Not run: ``positive_data_acceptance``, since the document's patterns admit strings that
look right and are not real periods (``2025-W60``, ``2025-13``), which the API rightly refuses.
"""

from __future__ import annotations

import json
import urllib.request

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from dailypapers.api.openapi import build
from tests.support.voteload import _shell

EXAMPLES_PER_OPERATION = 25

# Invalid requests must be refused with a 4xx; a URL too long for the HTTP server (gunicorn
# answers 414 before the site sees it) is refused too.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 413, 414, 422, 429]
            }
        }
    }
)
# The document as the code builds it; the first test checks the site serves exactly this.
schema = schemathesis.openapi.from_dict(build(), config=CONFIG)

# A verified admin (may set any paper's links) and one token of theirs, printed last.
_ADMIN_TOKEN = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from dailypapers.accounts.models import ApiToken, Profile
User = get_user_model()
user = User.objects.filter(username="schemathesis").first() or User.objects.create_user(
    "schemathesis", "schemathesis@example.org", "a long schemathesis password", is_staff=True)
Profile.objects.filter(user=user).update(email_verified_at=timezone.now())
print(ApiToken.issue(user, "schemathesis")[1])
"""


@pytest.fixture(scope="module")
def token_header(community_site) -> dict[str, str]:
    token = _shell(community_site.data_dir, _ADMIN_TOKEN).strip().splitlines()[-1]
    return {"Authorization": f"Bearer {token}"}


def test_the_site_serves_the_document(community_site):
    with urllib.request.urlopen(f"{community_site.base}/api/openapi.json") as response:
        assert json.load(response) == json.loads(json.dumps(build()))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    phases=[Phase.explicit, Phase.generate],
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_keeps_its_contract(case, community_site, token_header):
    headers = token_header
    if case.operation.definition.raw.get("security") == [{"token": []}] and "Authorization" not in (
        case.headers or {}
    ):
        # A case made without the token its operation requires: the site must refuse it, so
        # it is sent as made.
        headers = {}
    case.call_and_validate(
        base_url=community_site.base,
        headers=headers,
        excluded_checks=[positive_data_acceptance],
        timeout=30,
    )
