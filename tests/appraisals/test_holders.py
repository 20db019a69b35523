"""Who holds a step: the natural holder, else one level up; never the appraised
person; the GM's own approval goes to the board (pure, no database)."""

from engine.appraisals.holders import Holder, OrgMaps, Person, resolve


def org(**over):
    people = {
        1: Person(1, 101, None, 10, True),  # GM, heads the top department 10
        2: Person(2, 102, 1, 20, True),  # head of department 20
        3: Person(3, 103, 2, 20, True),  # staff under 2
        4: Person(4, 104, 9, 20, True),  # staff whose supervisor left
        9: Person(9, 109, 2, 20, False),  # a leaver
    }
    base = dict(
        people=people,
        dept_parent={10: None, 20: 10},
        dept_head={10: 1, 20: 2},
        role_users={"hr": {201}, "gm": {101}, "board": {301}},
    )
    base.update(over)
    return OrgMaps(**base)


def test_natural_holders():
    """Self, supervisor, department head, HR and GM steps go to their natural holders."""
    o = org()
    assert resolve("self", o.people[3], o) == Holder(103, "")
    assert resolve("supervisor", o.people[3], o) == Holder(102, "")
    assert resolve("dept_head", o.people[3], o) == Holder(102, "")
    assert resolve("hr", o.people[3], o) == Holder(None, "hr")
    assert resolve("gm", o.people[3], o) == Holder(None, "gm")


def test_a_missing_supervisor_escalates_to_the_department_head():
    """Without an active supervisor the supervisor step goes to the department head, marked as
    escalated."""
    o = org()
    assert resolve("supervisor", o.people[4], o) == Holder(102, "", "supervisor")


def test_the_head_never_reviews_their_own_appraisal():
    """A head's own department-head step goes one level up; nobody reviews their own appraisal."""
    o = org()
    # the head of department 20 goes up the tree to the head of department 10
    assert resolve("dept_head", o.people[2], o) == Holder(101, "")


def test_no_head_above_escalates_to_hr_and_hr_never_reviews_itself():
    """With no head above, the step goes to HR; HR's own appraisal goes to the GM."""
    o = org(role_users={"hr": {101}, "gm": {101}, "board": {301}})
    # the GM has no supervisor and heads the top: the step goes to HR — but the GM is
    # the only HR holder here, so it moves on to the GM role, which for the GM is the board
    assert resolve("supervisor", o.people[1], o) == Holder(None, "board", "supervisor")
    assert resolve("gm", o.people[1], o) == Holder(None, "board", "gm")
