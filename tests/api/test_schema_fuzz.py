"""Schemathesis over the whole REST schema, as HR, as an employee and as an auditor
(each with a bearer token on the demo company with an open month): every operation
gets generated calls; none may answer a server error or a response the schema does not
describe (status, content type, headers, body). HR's own session (with its CSRF token)
goes past the scope check into the writes that tokens never reach: people, appeals,
step actions. At least 2,000 calls in all."""

import json
from io import StringIO

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import on_postgres
from tests.month import at, open_department

pytestmark = pytest.mark.django_db
PER_OPERATION = 50


def per_operation() -> int:
    """Up to 50 examples per operation on SQLite (derandomized: each run repeats the same
    calls); half as many on PostgreSQL, which runs the fuzz again for what only it refuses (NUL bytes,
    integer ranges, strict types). The fuzz was a quarter of the PostgreSQL run's time."""
    return PER_OPERATION // 2 if on_postgres() else PER_OPERATION


CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
WHO = {
    "hr": "read,metrics:write,results:read,audit:read",
    "staff02": "read",
    "auditor": "read,audit:read",
}


def _token(username, scopes):
    out = StringIO()
    call_command(
        "api_token",
        "create",
        username,
        "--company",
        "litong",
        "--scopes",
        scopes,
        "--expires",
        "30",
        "--json",
        stdout=out,
    )
    return json.loads(out.getvalue())["token"]


def _session(user) -> dict:
    """Headers of a signed-in person whose writes pass Django's CSRF check."""
    c = Client()
    c.force_login(user)
    secret = "f" * 32
    cookie = f"sessionid={c.cookies['sessionid'].value}; csrftoken={secret}"
    return {"X-Test-Cookie": cookie, "X-CSRFToken": secret, "Referer": "http://testserver/"}


def _with_cookie(app):
    """The WSGI client keeps its own (empty) cookie jar and drops a Cookie header, so
    the session travels in a test header and is put back here."""

    def wrapped(environ, start_response):
        if "HTTP_X_TEST_COOKIE" in environ:
            environ["HTTP_COOKIE"] = environ.pop("HTTP_X_TEST_COOKIE")
        return app(environ, start_response)

    return wrapped


@pytest.mark.parametrize("who", [*WHO, "hr session"])
def test_the_whole_schema_as_each_person(who, litong, set_clock, settings):
    """≥ 500 generated calls over every operation per person (≥ 2,000 in all, one person
    per test so that xdist spreads them); 0 server errors; 0 responses outside the
    schema."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "100000/min"},  # the fuzzer is not rate-limited
    }
    set_clock(at(2026, 11, 1, 9))
    open_department(litong, "cs")
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)))
    app = _with_cookie(WSGIHandler())
    calls, failures, statuses = [], [], set()
    # As Django's own test client does: a request must not close the test's connection
    # (on PostgreSQL it would, mid-transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    def runner(operation, headers):
        @examples(
            max_examples=per_operation(),
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        @given(case=operation.as_strategy())
        def run(case):
            calls.append(operation.label)
            response = case.call(app=app, headers=headers)
            if "X-Test-Cookie" in headers:
                statuses.add((operation.label, response.status_code))
            assert response.status_code < 500, (operation.label, response.text[:300])
            case.validate_response(response, checks=CHECKS, headers=headers)

        return run

    if who in WHO:
        identities = [(who, {"Authorization": f"Bearer {_token(who, WHO[who])}"})]
    else:
        identities = [(who, _session(litong.u["hr"]))]
    for username, headers in identities:
        for result in schema.get_all_operations():
            operation = result.ok()
            try:
                runner(operation, headers)()
            except BaseException as exc:  # collect every operation's failure, then report all
                failures.append(f"{username} {operation.label}: {str(exc)[:400]}")
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    operations = set(calls)
    assert failures == [], "\n".join(failures)
    if who == "hr session":  # past authentication and CSRF into the writes' own checks
        assert any(label.split()[0] in ("POST", "PUT") and code < 300 for label, code in statuses)
    print(f"schema fuzz as {who}: {len(calls)} calls")
    # 27 operations: 26 and the follow-up read (GET /appraisals/{id}/followup/)
    assert len(calls) >= 10 * per_operation() and len(operations) == 27, (
        len(calls),
        len(operations),
    )
