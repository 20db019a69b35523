"""A person's name in words, for every page, message and trail that shows who holds or
did something. An account without an employee record (a board member, an auditor)
is named by its full name, else by the company role it holds ("Board member"), never
by its login name: a username is a code, not a name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# the order a role is picked in when an account holds several
ROLE_WORDS = {
    "board": _("Board member"),
    "gm": _("General manager"),
    "hr": _("HR officer"),
    "auditor": _("Auditor"),
}


def person_name(user) -> str:
    """The employee's name; else the account's full name; else its role in words."""
    if user is None:
        return str(_("the system"))
    emp = getattr(user, "employee", None)
    if emp is not None:
        return emp.name
    full = (user.get_full_name() or "").strip()
    if full:
        return full
    roles = set(user.company_roles.values_list("role", flat=True)) if user.pk else set()
    for code, words in ROLE_WORDS.items():
        if code in roles:
            return str(words)
    if user.is_superuser:
        return str(_("Administrator"))
    return str(_("User without a name"))
