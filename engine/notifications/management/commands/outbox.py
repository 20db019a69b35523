"""`python manage.py outbox [--retry] [--json]`: what waits in the notification outbox
and what is stuck (docs/operations.md, "Notifications and the outbox")."""

import json
from collections import Counter

from django.core.management.base import BaseCommand
from django.db.models import Count

from engine.notifications.models import Delivery
from engine.notifications.outbox import drain, retry_now, stuck


class Command(BaseCommand):
    help = "Show the notification outbox; --retry makes failed deliveries due now and drains."

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry", action="store_true", help="try every failed or waiting delivery now"
        )
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, **opts):
        retried = retry_now() if opts["retry"] else 0
        done = drain() if opts["retry"] else Counter()
        counts = dict(Delivery.objects.values_list("state").annotate(n=Count("pk")).order_by())
        report = {
            "retried": retried,
            "delivered_now": done["delivered"],
            **{state: counts.get(state, 0) for state in Delivery.State.values},
            # Waiting rows a worker holds a lease on: being sent now, or left by a
            # worker that died mid-send (sent again once the lease runs out).
            "in_flight": Delivery.objects.filter(
                state=Delivery.State.PENDING, claimed_at__isnull=False
            ).count(),
            "stuck": [
                {
                    "id": d.pk,
                    "channel": d.channel,
                    "notification": d.notification_id,
                    "state": d.state,
                    "attempts": d.attempts,
                    "next_attempt_at": d.next_attempt_at.isoformat(),
                    "last_error": d.last_error,
                    "claimed_at": d.claimed_at.isoformat() if d.claimed_at else None,
                }
                for d in stuck()
            ],
        }
        if opts["as_json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, sort_keys=True))
            return
        self.stdout.write(
            f"outbox: {report['pending']} waiting ({report['in_flight']} being sent), "
            f"{report['delivered']} delivered, "
            f"{report['failed']} given up, {report['skipped']} not for their channel"
        )
        for s in report["stuck"]:
            self.stdout.write(
                f"  #{s['id']} {s['channel']} ({s['state']}, {s['attempts']} tries, next "
                f"{s['next_attempt_at']}): {s['last_error']}"
            )
