"""
API fuzzing: schemathesis generates requests from the OpenAPI description of our own endpoints
(tools/security/openapi.py) and sends them in-process to pretix's WSGI application with a staff token that may
do everything. Every answer must be something other than a server error and must match the description.
"""
from datetime import timedelta

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils.timezone import now
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from ticketing_core.testing import factories
from tools.security.openapi import build_schema

EXAMPLES = 15  # per operation; derandomized, so every run sends the same requests


@pytest.fixture(scope="module")
def schema():
    with_app = schemathesis.openapi.from_dict(build_schema())
    with_app.app = get_wsgi_application()
    return with_app


def test_schema_describes_our_endpoints(schema):
    paths = set(schema.raw_schema["paths"])
    for expected in ("/api/v1/organizers/{organizer}/piers/", "/api/v1/organizers/{organizer}/sailings/",
                     "/api/v1/organizers/{organizer}/cases/", "/_yookassa/webhook/"):
        assert expected in paths
    assert not any("/orders/" in p for p in paths), "pretix's own endpoints are pretix's to test"


@pytest.mark.django_db(transaction=True)
def test_fuzzed_requests_never_cause_a_server_error(schema, organizer, series, sailing, pier, boat):
    team = organizer.teams.create(name="API", all_events=True, all_event_permissions=True,
                                  all_organizer_permissions=True)
    token = team.tokens.create(name="fuzz").token
    factories.make_sailing(series, boat, pier, now() + timedelta(days=5))
    headers = {"Authorization": f"Token {token}", "Accept-Language": "ru"}
    failures = []

    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is reported as is
                  suppress_health_check=list(HealthCheck))
        def call(case):
            if case.path_parameters:
                case.path_parameters.update({k: v for k, v in (("organizer", organizer.slug),
                                                               ("event", series.slug))
                                             if k in case.path_parameters})
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        try:
            call()
        except Exception as e:  # noqa: BLE001 - every operation is tried; all failures are reported together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(e)[:2000]}")
    assert not failures, "\n\n".join(failures)
