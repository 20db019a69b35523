"""One path stores notifications and their outbox rows on SQLite and PostgreSQL
(`notify_select`; `notify_many` is the same statements over the messages given): the
notices of one action are one INSERT, and all their deliveries another."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engine import clock
from engine.notifications.models import ChannelChoice, Delivery, Notification, Webhook
from engine.notifications.services import Message, notify_many

pytestmark = pytest.mark.django_db


def test_an_action_stores_its_notices_and_deliveries_in_two_statements(litong):
    """Three people told at once: e-mail where there is an address and it is not turned
    off, the installed plugin channel and the company's webhook for each; a long key is cut to 200 characters, JSON
    params kept, and a repeat of a key is stored once."""
    co = litong.company
    head, staff02, staff03 = (litong.u[n] for n in ("workshop_head", "staff02", "staff03"))
    head.email, staff02.email, staff03.email = "head@example.com", "s2@example.com", ""
    for u in (head, staff02, staff03):
        u.save()
    ChannelChoice.objects.create(user=staff02, off=["email"])
    hook = Webhook.objects.create(
        company=co, url="http://127.0.0.1:9/h", secret="s", created_at=clock.now()
    )
    messages = [
        Message(u.pk, co.pk, "overdue", "x", f"k:{u.pk}:" + "y" * 300, None, {"n": [1, "二"]})
        for u in (head, staff02, staff03)
    ]
    with CaptureQueriesContext(connection) as ctx:
        stored = notify_many(messages)
    inserts = [q["sql"] for q in ctx.captured_queries]
    assert len(inserts) == 2, inserts
    assert stored == 3
    notes = Notification.objects.filter(key__startswith="k:")
    assert {len(n.key) for n in notes} == {200}
    assert {n.params["n"][1] for n in notes} == {"二"}
    rows = set(
        Delivery.objects.filter(notification__in=notes).values_list(
            "notification__user__username", "channel", "target", "webhook_id"
        )
    )
    assert rows == {
        ("workshop_head", "email", "", None),
        *((u, "group_robot", "", None) for u in ("workshop_head", "staff02", "staff03")),
        *((u, "webhook", str(hook.pk), hook.pk) for u in ("workshop_head", "staff02", "staff03")),
    }
    assert notify_many(messages[:1]) == 0  # the same key again: nothing new
    assert Delivery.objects.filter(notification__in=notes).count() == len(rows)
