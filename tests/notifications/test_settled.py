"""A notice that asks someone to do a step is settled (read) once the step is done,
by whoever did it, so no list keeps saying "yours to do" about finished work."""

from engine.appraisals import services
from engine.appraisals.models import AppraisalStep
from engine.notifications.models import Notification
from tests.month import at, submit


def test_a_step_done_settles_the_notices_that_asked_for_it(workshop, set_clock):
    """staff02's self-review notice is unread until the self-review is handed in; then
    it reads as done (read), while the head's new notice for the supervisor's review is
    unread; a return settles the head's notice too."""
    a, u = workshop.a["staff02"], workshop.u
    own = Notification.objects.filter(user=u["staff02"], appraisal_id=a.pk, kind="step_open")
    assert own.exists() and not own.filter(read_at__isnull=False).exists()
    set_clock(at(2026, 11, 1))
    submit(a, "self", u["staff02"])
    assert not own.filter(read_at__isnull=True).exists()
    head = Notification.objects.filter(
        user=u["workshop_head"], appraisal_id=a.pk, kind="step_open", params__step="supervisor"
    )
    assert head.filter(read_at__isnull=True).count() == 1
    services.step_return(
        actor=u["workshop_head"],
        appraisal_id=a.pk,
        step_id=AppraisalStep.objects.get(appraisal=a, code="supervisor").pk,
        comment="add the numbers",
    )
    assert not head.filter(read_at__isnull=True).exists()
