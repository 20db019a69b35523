"""The trail's `until` date is the whole of that day in the reader's time zone and
nothing of the next: an event at 00:00 the next day belongs to the next day, on the
page and in every export that uses the filter."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from engine.audit.services import record
from tests.month import SH
from workflows.auditor.filters import TrailFilter

pytestmark = pytest.mark.django_db

# The last moment of Sunday 1 November in Shanghai, and the first of Monday 2 November.
LAST_OF_DAY = dt.datetime(2026, 11, 1, 23, 59, 59, 999999, tzinfo=SH)
NEXT_MIDNIGHT = dt.datetime(2026, 11, 2, 0, 0, tzinfo=SH)


@pytest.fixture
def boundary(litong, set_clock):
    """Two events on the demo company: one in the last microsecond of 1 November and
    one at 00:00 on 2 November (Shanghai time, the reader's zone)."""
    events = {}
    for name, moment in (("last", LAST_OF_DAY), ("midnight", NEXT_MIDNIGHT)):
        set_clock(moment)
        events[name] = record(
            company=litong.company.pk,
            actor=None,
            role="system",
            action="update",
            object_type="org.company",
            object_id=litong.company.pk,
            after={"note": name},
        )
    return litong, events


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_until_takes_the_whole_day_and_not_the_next_midnight(boundary):
    """until=2026-11-01 shows the 23:59:59.999999 event and not the 00:00 one; until=
    2026-11-02 shows both; since=2026-11-02 only the midnight one. The JSON, CSV and
    XLSX exports read the same filter and hold the same rows."""
    w, ev = boundary
    auditor = client(w.u["auditor"])
    q = "object_type=org.company&order=oldest"

    def ids(query: str) -> list[int]:
        events = auditor.get(f"/audit/export.json?{q}&{query}").json()["events"]
        return [e["seq"] for e in events if e["seq"] in {ev["last"].seq, ev["midnight"].seq}]

    assert ids("until=2026-11-01") == [ev["last"].seq]
    assert ids("until=2026-11-02") == [ev["last"].seq, ev["midnight"].seq]
    assert ids("since=2026-11-02&until=2026-11-02") == [ev["midnight"].seq]
    assert ids("since=2026-11-01&until=2026-11-01") == [ev["last"].seq]

    # the page: one row for the day, and it is the late-evening event
    page = auditor.get(f"/audit/?{q}&since=2026-11-01&until=2026-11-01").content.decode()
    assert page.count("<tr data-event=") == 1
    assert f'data-event="{ev["last"].chain}.{ev["last"].seq}"' in page
    assert f'data-event="{ev["midnight"].chain}.{ev["midnight"].seq}"' not in page

    # CSV and XLSX: header plus the one event of 1 November
    text = auditor.get(
        f"/audit/export.csv?{q}&since=2026-11-01&until=2026-11-01", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    rows = table[: table.index([])] if [] in table else table  # a signed checkpoint follows
    assert len(rows) == 2 and "2026-11-01 23:59" in ",".join(rows[1])
    sheet = load_workbook(
        io.BytesIO(auditor.get(f"/audit/export.xlsx?{q}&since=2026-11-01&until=2026-11-01").content)
    ).active
    assert sheet.max_row == 2


def test_the_day_is_the_readers_day(boundary):
    """The bounds are midnights in the reader's zone: for a reader in New York,
    until=2026-11-01 ends at 00:00 on 2 November there (05:00 UTC, EST after the
    change of 1 November), so the Shanghai midnight event (16:00 UTC on 1 November)
    is inside it and since=2026-11-02 leaves both out."""
    w, _ev = boundary
    ny = zoneinfo.ZoneInfo("America/New_York")
    with timezone.override(ny):
        f = TrailFilter({"until": "2026-11-01", "since": "2026-11-01"}, user=w.u["auditor"])
        assert f.is_valid(), f.errors
        sel = f.selection()
    assert sel["since"] == dt.datetime(2026, 11, 1, tzinfo=ny)
    assert sel["before"] == dt.datetime(2026, 11, 2, tzinfo=ny)
    assert sel["before"].astimezone(dt.UTC) == dt.datetime(2026, 11, 2, 5, tzinfo=dt.UTC)
    assert "until" not in sel  # the selector is given an exclusive end, never an inclusive one
