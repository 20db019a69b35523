"""sales: the optional behaviour sheet when the employee skipped it."""

from engine.plugins.registry import get_template

from . import run

REP_T = {"orders": 20, "net_revenue": 1500000, "collection": 1}
MAIN = {
    "orders": 20,
    "net_revenue": 1500000,
    "collection": 1,
    "new_customers": 5,
    "customer_satisfaction": 5,
    "customer_churn": 5,
    "information": 3,
    "teamwork": 2,
    "discipline": 1,
}


def test_a_sheet_the_employee_skipped_is_left_out():
    # main sheet 10 + 45 + 10 + 5 + 10 + 5 + 3 + 2 + 1 = 91 → excellent, as with the sheet;
    # the supervisor's and manager's ratings alone cannot make the 20/50/30 sheet, so it is
    # not reported (no behaviour sections, no monthly grade from it) instead of blocking
    # the result.
    """Sales rep: behaviour rated by the supervisor and manager only is left out."""
    behaviour = {}
    for i in get_template("sales", "sales_rep").indicators:
        if i.section and i.section.startswith("behaviour"):
            behaviour[i.code] = (
                {"supervisor": 5, "manager": 5}
                if i.rule != "rating"
                else {"supervisor": "优", "manager": "优"}
            )
    r = run(
        "sales",
        "sales_rep",
        values={**MAIN, **behaviour},
        targets=REP_T,
        context={"net_revenue": 100000},
    )
    assert (r["total"], r["grade"]) == ("91.00", "excellent")
    assert not [s for s in r["sections"] if s["code"].startswith("behaviour")]
    # without the sheet the month's coefficient follows the main grade: 1.10 for excellent;
    # 100000 × 0.82% × 1.10 = 902.00, as when the sheet says excellent too
    assert "behaviour_score" not in r["outcomes"]
    assert (r["outcomes"]["monthly_coefficient"], r["outcomes"]["commission"]) == ("1.10", "902.00")
