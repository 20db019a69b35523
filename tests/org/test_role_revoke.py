"""Issue 23: `company_role_revoke` takes a company role back for HR, audited as a
removal with the row as it was; it refuses anyone but the company's HR, a role the
person does not hold, an unknown role, and the company's last HR holder (field `user`,
rule `last_hr`) — also when two HR holders take each other's role at the same moment."""

import threading

import pytest
from django.db import connection

from engine.audit.models import AuditEvent
from engine.errors import DomainError, Forbidden, InvalidInput
from engine.org import services
from engine.org.models import CompanyRole

pytestmark = pytest.mark.django_db


def hr_pair(org):
    co, boss, mid = org["company"], org["boss"].user, org["mid"].user
    for user in (boss, mid):
        services.company_role_grant(actor=None, company=co, user=user, role="hr")
    return co, boss, mid


def test_a_revoke_is_audited_as_a_removal_by_hr(org):
    """The row goes; the trail has a delete by HR, with the row before and nothing after."""
    co, boss, mid = hr_pair(org)
    grant = CompanyRole.objects.get(company=co, user=mid, role="hr")
    services.company_role_revoke(actor=boss, company=co, user=mid, role="hr")
    assert not CompanyRole.objects.filter(pk=grant.pk).exists()
    ev = AuditEvent.objects.get(
        object_type="org.companyrole", object_id=str(grant.pk), action="delete"
    )
    assert (ev.actor_id, ev.role, ev.after) == (boss.pk, "hr", None)
    assert ev.before["user_id"] == mid.pk and ev.before["role"] == "hr"


@pytest.mark.parametrize(
    "role, field, rule", [("janitor", "role", "choices"), ("gm", "user", "not_held")]
)
def test_an_unknown_or_unheld_role_is_refused_at_its_field(org, role, field, rule):
    """Nothing to take back: the error names the field and the rule."""
    co, boss, mid = hr_pair(org)
    with pytest.raises(InvalidInput) as exc:
        services.company_role_revoke(actor=boss, company=co, user=mid, role=role)
    assert (exc.value.field, exc.value.rule) == (field, rule)


def test_only_hr_of_the_company_may_take_a_role_back(org):
    """An employee who is not HR is refused; the role stays."""
    co, _boss, mid = hr_pair(org)
    with pytest.raises(Forbidden):
        services.company_role_revoke(actor=org["low"].user, company=co, user=mid, role="hr")
    assert CompanyRole.objects.filter(company=co, role="hr").count() == 2


def test_the_last_hr_holder_is_kept_even_by_themself(org):
    """With one HR left, neither HR nor the system may remove them."""
    co, boss, mid = hr_pair(org)
    services.company_role_revoke(actor=boss, company=co, user=boss, role="hr")
    for actor in (mid, None):
        with pytest.raises(InvalidInput) as exc:
            services.company_role_revoke(actor=actor, company=co, user=mid, role="hr")
        assert (exc.value.field, exc.value.rule) == ("user", "last_hr")
    assert list(
        CompanyRole.objects.filter(company=co, role="hr").values_list("user", flat=True)
    ) == [mid.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_hr_holders_removing_each_other_at_once_leave_one(org):
    """On PostgreSQL the HR rows are locked: of two crossed removals one wins and the
    other is refused, so the company keeps exactly one HR holder."""
    co, boss, mid = hr_pair(org)
    barrier = threading.Barrier(2)
    refused, unexpected = [], []

    def work(actor, user):
        try:
            barrier.wait()
            services.company_role_revoke(actor=actor, company=co, user=user, role="hr")
        except DomainError as exc:
            refused.append(exc)
        except Exception as exc:  # pragma: no cover - reported below
            unexpected.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(boss, mid)),
        threading.Thread(target=work, args=(mid, boss)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert unexpected == []
    assert len(refused) == 1
    assert CompanyRole.objects.filter(company=co, role="hr").count() == 1
