"""`cycles open` shows progress and refuses bad input with one line and exit 2."""

import pytest
from django.core.management import call_command

from engine.appraisals.models import Appraisal, Cycle


def run(capsys, *args):
    try:
        call_command("cycles", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_open_with_progress_then_list(litong, capsys):
    """`cycles open` prints progress and the JSON summary; `cycles list` shows the cycle."""
    code, out, err = run(
        capsys,
        "open",
        "litong",
        "2026-12",
        "--department",
        "workshop",
        "--department",
        "sales",
        "--targets-later",
    )
    assert code == 0 and err == ""
    assert "opened 11/11" in out and "cycle 2026-12 open: 11 appraisals" in out
    assert Appraisal.objects.filter(cycle__period="2026-12").count() == 11  # workshop 3 + sales 8
    code, out, _ = run(capsys, "list", "litong")
    assert "2026-12\tmonth\topen\t11 appraisals" in out


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (("open", "nope", "2026-12"), "company:"),
        (("open", "litong", "2026-13"), "period:"),
        (("open", "litong", "2026-12", "--department", "moon"), "department:"),
        (("open", "litong", "2026-12", "--as", "staff02"), "as:"),
    ],
)
def test_bad_input(litong, capsys, args, start):
    """`cycles open` with bad input exits 2 with one line naming the field, and prints nothing on
    stdout."""
    code, out, err = run(capsys, *args)
    assert out == ""
    assert code == 2 and err.startswith(start) and err.count("\n") == 1
    assert not Cycle.objects.filter(period="2026-12").exists()
