"""The served OpenAPI schema is one a standard validator and drf-spectacular both accept,
with a semantic version a generated client can be installed under (a blank default on
an e-mail field, or the version "1 (1)", made generators and validators refuse it)."""

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from openapi_spec_validator import validate

from engine.audit.canonical import PAYLOAD
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


def test_an_audit_event_is_exactly_what_its_hash_covers_and_the_free_shapes_are_typed(litong):
    """The audit event of the API has every key of the hashed payload (PAYLOAD), under its
    name, and the two hashes — nothing else; outcomes, a scored result, a step's data
    and the progress rows are typed objects a generated client gets classes for."""
    parts = served_schema(litong.u["hr"])["components"]["schemas"]
    event = parts["AuditEventOut"]
    assert set(event["properties"]) == {k for k, _, _ in PAYLOAD} | {"prev_hash", "hash"}
    assert set(event["required"]) == set(event["properties"])
    for side in ("before", "after"):
        assert event["properties"][side]["type"] == "object", side
    outcomes = parts["ResultOut"]["properties"]["outcomes"]
    assert outcomes["type"] == "object" and "anyOf" in outcomes["additionalProperties"]
    assert parts["AppraisalDetailOut"]["properties"]["result"]["allOf"] == [
        {"$ref": "#/components/schemas/ScoredResultOut"}
    ]
    assert parts["StepActionInRequest"]["properties"]["data"] == {
        "$ref": "#/components/schemas/StepDataInRequest"
    }
    assert set(parts["StepDataInRequest"]["properties"]) == {
        "values",
        "deductions",
        "events",
        "falsified",
    }
    rows = parts["ProgressOut"]["properties"]["metrics_to_load"]["items"]
    assert rows == {"$ref": "#/components/schemas/MissingMetricOut"}
    assert {"number", "indicator"} <= set(parts["MissingMetricOut"]["properties"])


def test_progress_lists_each_missing_metric_by_person_and_indicator(litong, set_clock):
    """Customer service opened with no metric loaded: every system metric of each agent
    is a row (number, indicator) — as many as `missing_metrics` counts; one loaded, its
    row is gone."""
    set_clock(at(2026, 11, 1, 9))
    cs = open_department(litong, "cs")
    c = Client()
    c.force_login(litong.u["hr"])
    url = f"/api/v1/cycles/{cs.cycle.pk}/progress/"
    progress = c.get(url).json()
    rows = {(m["number"], m["indicator"]) for m in progress["metrics_to_load"]}
    assert len(rows) == len(progress["metrics_to_load"]) == progress["missing_metrics"] > 0
    number = cs.a["ecom02"].employee.number
    assert (number, "reply_rate") in rows
    assert progress["targets_to_set"] and progress["implausible"] == []
    assert {t["pack"] for t in progress["targets_to_set"]} == {"customer_service"}
    put = c.put(
        f"/api/v1/cycles/{cs.cycle.pk}/metrics/",
        json.dumps({"rows": [{"number": number, "indicator": "reply_rate", "value": "97%"}]}),
        content_type="application/json",
    )
    assert put.status_code == 200, put.content[:300]
    after = {(m["number"], m["indicator"]) for m in c.get(url).json()["metrics_to_load"]}
    assert after == rows - {(number, "reply_rate")}
