"""The outbox. A notification's deliveries (e-mail, each plugin channel the person has
not turned off, each active webhook of the company) are rows written in the business
transaction that created it, so a request never fails because the broker or the mail
server is down and no message is lost: a worker drains what is due, right after the
commit when the broker answers, and every minute from Celery beat in any case. A
failed try is recorded on its row and tried again after 1, 2, 4 … minutes (at most a
day apart); after 10 tries it is given up and logged as an error for the operators'
alerting. `manage.py outbox` shows and retries what is stuck.

Delivery is at least once, with duplicates bounded: see `drain` (and docs/operations.md,
"Notifications and the outbox") for the lease, and why a crash re-sends at most the
message that was in flight; webhooks carry the delivery id and e-mails a Message-ID
that stay the same across retries, so receivers can drop that one repeat."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import smtplib
import socket
import uuid
from collections import Counter
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _

from engine import clock, dialect

from .channels import plugin_channels
from .destinations import Refused
from .models import ChannelChoice, Delivery, Notification, Webhook
from .wording import sentence

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
# Small, so a batch's lease stays short: 20 sends at the 5 s webhook timeout is 100 s.
BATCH = 20
# A lease older than this is taken to belong to a dead worker. Each send renews its own
# row's lease, so it need only outlast one send (SMTP's and the webhooks' timeouts).
LEASE = dt.timedelta(minutes=10)
State = Delivery.State


def pause_after(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** (attempts - 1)), dt.timedelta(days=1))


def enqueue(notification_ids: list[int]) -> int:
    """The outbox rows of new notifications, in one `INSERT … SELECT` on either
    database: e-mail (when the person has an address) and each plugin channel the
    person has not turned off, and each active webhook of the company. A row that
    exists already is left as it is. Returns how many were written."""
    if not notification_ids:
        return 0
    q = connection.ops.quote_name
    channels = ["email", *sorted(plugin_channels())]
    offered = " UNION ALL ".join(f"SELECT %(ch{i})s AS channel" for i in range(len(channels)))
    notes = q(Notification._meta.db_table)
    ids = dialect.in_ids("n.id", "ids")
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO {q(Delivery._meta.db_table)} (notification_id, channel, target,
                webhook_id, state, attempts, next_attempt_at, last_status, last_error,
                delivered_at, claimed_at, claimed_by)
            SELECT n.id, ch.channel, '', CAST(NULL AS bigint), %(pending)s, 0, %(now)s,
                CAST(NULL AS smallint), '', CAST(NULL AS timestamptz),
                CAST(NULL AS timestamptz), ''
            FROM {notes} n
            JOIN {q(get_user_model()._meta.db_table)} u ON u.id = n.user_id
            CROSS JOIN ({offered}) ch
            LEFT JOIN {q(ChannelChoice._meta.db_table)} cc ON cc.user_id = n.user_id
            WHERE {ids} AND NOT {dialect.json_array_has("cc.off", "ch.channel")}
              AND (ch.channel <> 'email' OR coalesce(u.email, '') <> '')
            UNION ALL
            SELECT n.id, 'webhook', CAST(w.id AS text), w.id, %(pending)s, 0, %(now)s, NULL,
                '', NULL, NULL, ''
            FROM {notes} n
            JOIN {q(Webhook._meta.db_table)} w ON w.company_id = n.company_id AND w.active
            WHERE {ids}
            ON CONFLICT DO NOTHING
            """,
            {
                "pending": State.PENDING.value,
                "now": Delivery._meta.get_field("next_attempt_at").get_db_prep_save(
                    clock.now(), connection
                ),
                "ids": dialect.ids(notification_ids),
                **{f"ch{i}": c for i, c in enumerate(channels)},
            },
        )
        return cur.rowcount


def drain(*, limit: int = 20000, worker: str | None = None) -> Counter:
    """Try every delivery that is due (up to `limit`), a small batch at a time.

    Why this shape (issue 21): a batch is *claimed* with a lease in one short
    transaction (`claim`), each message is sent outside any transaction, and its outcome
    is written right after its send in its own statement (`_record`). So a slow receiver
    delays only the messages behind it in its batch, never the state of those already
    sent; and a worker killed mid-batch leaves its sent messages marked sent, the one in
    flight leased (sent again once the lease runs out: at least once, duplicates at most
    that one), and the rest leased untouched (claimed again later, sent once)."""
    worker = worker or worker_name()
    done: Counter = Counter()
    plugins = plugin_channels()
    tried = 0
    while tried < limit:
        batch = claim(worker=worker, size=min(BATCH, limit - tried))
        if not batch:
            break
        mail = _Mail(batch)
        started = 0
        try:
            for d in batch:
                started += 1
                if not _start(d, worker):
                    continue  # the lease ran out and another worker has it
                try:
                    _try(d, plugins, mail)
                except Exception as exc:  # one delivery's failure is its own, not the batch's
                    log.exception("outbox: delivery %s (%s) raised", d.pk, d.channel)
                    _outcome(d, None, f"{type(exc).__name__}: {exc}")
                _record(d, worker)
                done[d.state] += 1
        except BaseException:
            # Whatever broke (a bug, the database, a signal): what was not started yet
            # goes back at once; the one in flight keeps its lease, as after a kill.
            with contextlib.suppress(DatabaseError):
                release(ids=[d.pk for d in batch[started:]], worker=worker)
            raise
        finally:
            mail.close()
        tried += len(batch)
    return done


def worker_name() -> str:
    """Who holds a lease: host, process and a random part (several drains may run in
    one process: the beat's, a kick's, `outbox --retry`)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def claim(*, worker: str, size: int = BATCH) -> list[Delivery]:
    """Lease up to `size` due deliveries to `worker`: those nobody holds and those whose
    lease has run out, in one short transaction (`SKIP LOCKED`, so two workers claiming
    at once take different rows and neither waits)."""
    now = clock.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(state=State.PENDING, next_attempt_at__lte=now)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - LEASE))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).update(claimed_at=now, claimed_by=worker)
    return list(
        Delivery.objects.filter(pk__in=ids, claimed_by=worker)
        .select_related("notification", "notification__user", "webhook")
        .order_by("next_attempt_at", "pk")
    )


def release(*, ids: list[int], worker: str) -> int:
    """Give back leased deliveries that were not tried, for the next drain."""
    if not ids:
        return 0
    return Delivery.objects.filter(pk__in=ids, claimed_by=worker, state=State.PENDING).update(
        claimed_at=None, claimed_by=""
    )


def _start(d: Delivery, worker: str) -> bool:
    """Count the try before it is made and renew the lease for it, in its own commit,
    so the row tells the truth if the worker dies in the send; False when the lease was
    lost (run out and claimed by another worker): then this worker must not send."""
    now = clock.now()
    taken = Delivery.objects.filter(pk=d.pk, claimed_by=worker, state=State.PENDING).update(
        attempts=F("attempts") + 1, claimed_at=now
    )
    if taken:
        d.claimed_at = now
    return bool(taken)


def _record(d: Delivery, worker: str) -> None:
    """The outcome of one send, right after it, in its own commit; the lease ends."""
    kept = Delivery.objects.filter(pk=d.pk, claimed_by=worker).update(
        state=d.state,
        attempts=d.attempts,
        next_attempt_at=d.next_attempt_at,
        last_status=d.last_status,
        last_error=d.last_error,
        delivered_at=d.delivered_at,
        claimed_at=None,
        claimed_by="",
    )
    if not kept:
        log.warning("outbox: delivery %s was claimed by another worker during its send", d.pk)


def _try(d: Delivery, plugins: dict, mail: _Mail) -> None:
    d.attempts += 1
    try:
        status, error = _send(d, plugins, mail)
    except Refused as exc:
        # Not sent: the address may not receive webhooks (now). Trying again in a minute
        # would only ask the same question; `outbox --retry` does once it is allowed.
        d.last_status, d.last_error, d.state = None, str(exc)[:300], State.FAILED
        log.error(
            "outbox: delivery %s (%s) refused: %s",
            d.pk,
            d.channel,
            exc,
            extra=_facts(d, None, str(exc)),
        )
        return
    _outcome(d, status, error)


def _send(d: Delivery, plugins: dict, mail: _Mail) -> tuple[int | None, str]:
    if d.channel == "email":
        status, error = mail.send(d)
    elif d.channel == "webhook":
        from .webhooks import post

        status, error = post(d)
    elif d.channel in plugins:
        status, error = _plugin(plugins[d.channel], d.notification)
    else:
        status, error = None, f"channel {d.channel!r} is not installed"
    return status, error


def _outcome(d: Delivery, status: int | None, error: str) -> None:
    """What one try did to its row (in memory; `_record` writes it)."""
    d.last_status, d.last_error = status, error[:300]
    now = clock.now()
    # 204 is how e-mail and plugin channels say "not for me"; from a webhook's receiver
    # it is an HTTP answer like any other 2xx: delivered.
    if status == 204 and d.channel != "webhook":
        d.state, d.delivered_at = State.SKIPPED, now
    elif status is not None and 200 <= status < 300:
        d.state, d.delivered_at = State.DELIVERED, now
    elif d.attempts >= MAX_ATTEMPTS:
        d.state = State.FAILED
        log.error(
            "outbox: delivery %s (%s) given up: %s",
            d.pk,
            d.channel,
            error,
            extra=_facts(d, status, error),
        )
    else:
        d.next_attempt_at = now + pause_after(d.attempts)
        # every failed try, not only the last: a receiver failing for hours shows early
        log.warning(
            "outbox: delivery %s (%s) try %s failed: %s; next try at %s",
            d.pk,
            d.channel,
            d.attempts,
            error or f"status {status}",
            d.next_attempt_at.isoformat(),
            extra={**_facts(d, status, error), "next_attempt_at": d.next_attempt_at.isoformat()},
        )


def _facts(d: Delivery, status: int | None, error: str) -> dict:
    """The fields of a delivery's log line (JSON logs: one key each)."""
    return {
        "delivery": d.pk,
        "channel": d.channel,
        "attempt": d.attempts,
        "http_status": status,
        "error": error[:300],
    }


def _plugin(plugin, n: Notification) -> tuple[int | None, str]:
    try:
        taken = plugin.jixiao_notification_channel(notification=n)
    except Exception as exc:  # a plugin's failure is its delivery's, never the others'
        return None, f"{type(exc).__name__}: {exc}"
    return (200 if taken else 204), ""


class _Mail:
    """One connection to the mail server for a batch, opened on the first e-mail; each
    message is sent on its own so one refused address fails only its delivery."""

    def __init__(self, batch: list[Delivery]):
        ids = {d.notification.user_id for d in batch if d.channel == "email"}
        self.people = {
            pk: (email, language or settings.LANGUAGE_CODE)
            for pk, email, language in get_user_model()
            .objects.filter(pk__in=ids)
            .values_list("pk", "email", "employee__language")
        }
        self.connection = None

    def send(self, d: Delivery) -> tuple[int | None, str]:
        n = d.notification
        email, language = self.people.get(n.user_id, ("", ""))
        if not email:
            return 204, "no e-mail address"
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
        subject, body = compose(n, language)
        try:
            EmailMessage(
                subject,
                body,
                None,
                [email],
                connection=self.connection,
                headers={"Message-ID": message_id(d)},
            ).send()
        except (smtplib.SMTPException, OSError) as exc:
            self.close()  # a broken connection is not reused
            return None, f"{type(exc).__name__}: {exc}"
        return 250, ""

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None


def message_id(d: Delivery) -> str:
    """The same on every try of a delivery, from any worker, so a mail system that
    already has the message can drop the repeat a crash may cause."""
    host = urlsplit(settings.JIXIAO_BASE_URL).hostname or "jixiao.invalid"
    return f"<jixiao.delivery.{d.pk}@{host}>"


def compose(n: Notification, language: str) -> tuple[str, str]:
    """Subject and body in the recipient's language, with the link to the page."""
    with translation.override(language):
        body = sentence(n.kind, n.params or {}, n.message)
        subject = "[jixiao] " + body[:60]
        if n.appraisal_id:
            body += "\n\n" + _("Open it here: %(url)s") % {
                "url": f"{settings.JIXIAO_BASE_URL}/appraisals/{n.appraisal_id}/"
            }
    return subject, body


def stuck() -> list[Delivery]:
    """What needs a person's eye: given up, or waiting after a failed try."""
    return list(
        Delivery.objects.filter(state__in=[State.FAILED, State.PENDING], attempts__gt=0)
        .select_related("notification")
        .order_by("pk")[:1000]
    )


def retry_now(*, given_up: bool = True) -> int:
    """Make what failed due again now (given-up rows start their ten tries afresh)."""
    now = clock.now()
    waiting = Delivery.objects.filter(state=State.PENDING, attempts__gt=0).update(
        next_attempt_at=now
    )
    again = 0
    if given_up:
        again = Delivery.objects.filter(state=State.FAILED).update(
            state=State.PENDING, attempts=0, next_attempt_at=now
        )
    return waiting + again
