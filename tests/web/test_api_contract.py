"""The OpenAPI schema is the API's contract (issue 14, item 7): Schemathesis generates requests
from /api/v1/openapi.json and sends them, with a token for every role, to the served API (its
WSGI application, on the metatest's data). No answer may be a server error, carry a status
code or body the schema does not declare, or refuse a request the schema says is valid."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.web.conftest import PEOPLE
from tests.web.test_url_permissions import site  # noqa: F401  (the metatest's data)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def api_schema(site):  # noqa: F811
    """The schema, read from the WSGI application. Requests go straight to the application,
    so, as Django's test client does, the end of each request must not close the database
    connection: inside the test's transaction that closes it for good (on PostgreSQL)."""
    from django.core import signals
    from django.db import close_old_connections

    from oneworkforce.web.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(people):
    from oneworkforce.web.accounts.service import issue_token

    return {name: issue_token(people[name], "contract", actor="tests") for name in PEOPLE}


def test_the_api_keeps_its_contract_for_every_role(api_schema, tokens):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 4  # catalogue, metrics, submissions, one submission
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            for key in tokens.values():
                case.call_and_validate(headers={"Authorization": f"Bearer {key}"})

        check()
