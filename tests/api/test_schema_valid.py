"""The served OpenAPI schema is one a standard validator and drf-spectacular both accept,
with a semantic version a generated client can be installed under (a blank default on
an e-mail field, or the version "1 (1)", made generators and validators refuse it)."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def served_schema(user=None) -> dict:
    c = Client()
    if user is not None:
        c.force_login(user)
    r = c.get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200, r.content[:300]
    return r.json()


def test_openapi_spec_validator_accepts_the_served_schema(litong):
    """openapi-spec-validator finds nothing wrong in /api/v1/schema/ as HR reads it."""
    schema = served_schema(litong.u["hr"])
    validate(schema)  # raises on the first error
    assert re.fullmatch(r"\d+\.\d+\.\d+", schema["info"]["version"]), schema["info"]["version"]


def test_spectacular_validates_the_schema_without_a_warning(tmp_path):
    """`manage.py spectacular --validate --fail-on-warn` passes (a warning is a failure)."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert "openapi: 3" in (tmp_path / "s.yml").read_text()
