"""The served OpenAPI schema is one a standard validator and drf-spectacular both accept,
with a semantic version a generated client can be installed under (a blank default on
an e-mail field, or the version "1 (1)", made generators and validators refuse it)."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from openapi_spec_validator import validate

from tests.month import at, open_department

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


def test_actions_states_and_sources_are_typed_in_the_schema(litong):
    """A generated client gets enums for the step action and the states, the preview's
    lines and the progress counts as objects, and each indicator's `sources`."""
    schema = served_schema(litong.u["hr"])
    parts = schema["components"]["schemas"]
    action = next(
        p
        for p in schema["paths"]["/api/v1/appraisals/{id}/steps/{step_id}/{action}/"]["post"][
            "parameters"
        ]
        if p["name"] == "action"
    )
    assert sorted(action["schema"]["enum"]) == ["push", "return", "submit"]
    assert "final" in parts["AppraisalStateEnum"]["enum"]
    assert "skipped" in parts["StepStateEnum"]["enum"]
    assert {"AppealStepStateEnum", "CycleStatusEnum", "EmployeeStatusEnum"} <= set(parts)
    assert parts["IndicatorOut"]["properties"]["sources"]["type"] == "array"
    assert parts["PreviewOut"]["properties"]["lines"]["items"] == {
        "$ref": "#/components/schemas/PreviewLineOut"
    }
    assert set(parts["ByStateOut"]["properties"]) == {
        "in_progress",
        "published",
        "final",
        "exempt",
        "withdrawn",
    }


def test_the_catalogue_says_which_indicators_are_system_metrics(litong):
    """`sources` of a metric indicator starts with "system"; a rated one names raters."""
    c = Client()
    c.force_login(litong.u["hr"])
    packs = c.get("/api/v1/packs/").json()
    sources = [i["sources"] for p in packs for r in p["roles"] for i in r["indicators"]]
    assert any(s[:1] == ["system"] for s in sources)
    assert any(s and "system" not in s for s in sources)


def test_progress_counts_every_state(litong, set_clock):
    """`by_state` carries every appraisal state, 0 when none is in it."""
    set_clock(at(2026, 11, 1, 9))
    cs = open_department(litong, "cs")
    c = Client()
    c.force_login(litong.u["hr"])
    progress = c.get(f"/api/v1/cycles/{cs.cycle.pk}/progress/").json()
    assert progress["by_state"]["final"] == 0
    assert sum(progress["by_state"].values()) == progress["appraisals"] > 0
