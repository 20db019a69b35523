"""Reading the trail: per appraisal, appeal, person and cycle, with filters on time,
actor and action — only the companies the reader may audit. It sits above the domain
apps because it follows their relations (an appraisal's appeal, a person's appraisals);
the audit app below knows nothing of them."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from django.conf import settings
from django.db.models import Max, Q, QuerySet

from engine.appeals.models import Appeal
from engine.appraisals.models import Appraisal
from engine.audit.models import AuditChainHead, AuditEvent
from engine.audit.signing import open_refusals
from engine.errors import Forbidden, InvalidInput
from engine.org.models import Company, Employee
from engine.org.selectors import company_roles

READERS = {"auditor", "hr", "gm"}


def auditable_companies(user) -> set[int]:
    return {cid for cid, roles in company_roles(user).items() if roles & READERS}


def require_trail_reader(user) -> set[int]:
    """The companies `user` may audit; Forbidden when none. Asked first, before any
    filter is read: someone who may not read the trail learns nothing else about it
    (not its filters, not that a value they typed is malformed)."""
    companies = auditable_companies(user)
    if not companies:
        raise Forbidden(
            "only auditors, HR and the GM read the audit trail", field="user", rule="role:audit"
        )
    return companies


def _ids(values) -> list[str]:
    return [str(v) for v in values]


def trail(
    user,
    *,
    appraisal: int | None = None,
    appeal: int | None = None,
    person: int | None = None,
    cycle: int | None = None,
    since: dt.datetime | None = None,
    before: dt.datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
    company: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    newest_first: bool = True,
) -> QuerySet[AuditEvent]:
    """Events the reader may audit, narrowed by the filters given. `actor` is a
    username, or part of a person's name or number; `action` matches the action and
    its per-step variants (`submit` finds `submit:supervisor`). Newest first unless
    asked otherwise: an auditor mostly looks for what just happened; within one moment
    the chain's order decides. `since` is inclusive and `before` exclusive, so a day
    ends at the next day's midnight without taking in what happened at 00:00."""
    companies = require_trail_reader(user)
    if company is not None:
        if company not in companies:
            raise Forbidden(
                "you do not audit that company", field="company", rule="role:audit_company"
            )
        companies = {company}
    qs = AuditEvent.objects.filter(company_id__in=companies)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id is not None:
        qs = qs.filter(object_id=str(object_id))
    if appraisal is not None:
        appeal_ids = _ids(
            Appeal.objects.filter(appraisal_id=appraisal).values_list("pk", flat=True)
        )
        qs = qs.filter(
            Q(object_type="appraisals.appraisal", object_id=str(appraisal))
            | Q(object_type="appeals.appeal", object_id__in=appeal_ids)
        )
    if appeal is not None:
        qs = qs.filter(object_type="appeals.appeal", object_id=str(appeal))
    if person is not None:
        emp = Employee.objects.filter(pk=person, company_id__in=companies).first()
        if emp is None:
            raise InvalidInput("no such person in your companies", field="person", rule="exists")
        apps = _ids(Appraisal.objects.filter(employee=emp).values_list("pk", flat=True))
        qs = qs.filter(
            Q(object_type="org.employee", object_id=str(emp.pk))
            | Q(object_type="appraisals.appraisal", object_id__in=apps)
            | Q(actor_id=emp.user_id)
        )
    if cycle is not None:
        apps = _ids(Appraisal.objects.filter(cycle_id=cycle).values_list("pk", flat=True))
        appeals = _ids(
            Appeal.objects.filter(appraisal__cycle_id=cycle).values_list("pk", flat=True)
        )
        qs = qs.filter(
            Q(object_type="appraisals.cycle", object_id=str(cycle))
            | Q(object_type="appraisals.appraisal", object_id__in=apps)
            | Q(object_type="appeals.appeal", object_id__in=appeals)
        )
    if since is not None:
        qs = qs.filter(at__gte=since)
    if before is not None:  # exclusive: a day's end is the next day's midnight, not in it
        qs = qs.filter(at__lt=before)
    if actor:
        users = Employee.objects.filter(company_id__in=companies).filter(
            Q(name__icontains=actor) | Q(number__iexact=actor)
        )
        qs = qs.filter(Q(actor_label=actor) | Q(actor_id__in=users.values("user_id")))
    if action:
        qs = qs.filter(Q(action=action) | Q(action__startswith=f"{action}:"))
    if newest_first:
        return qs.order_by("-at", "-chain", "-seq")
    return qs.order_by("at", "chain", "seq")


def people_named(user, text: str) -> list[Employee]:
    """The people of the reader's audited companies a search means: the one whose number
    is exactly `text`, else those whose name is exactly `text`, else those whose name
    contains it (at most 20, by number)."""
    text = text.strip()
    if not text:
        return []
    people = Employee.objects.filter(company_id__in=auditable_companies(user)).order_by(
        "company_id", "number"
    )
    for q in (Q(number__iexact=text), Q(name=text), Q(name__icontains=text)):
        found = list(people.filter(q)[:20])
        if found:
            return found
    return []


CHECKPOINT_FILE = re.compile(r"^chain-(\d+)-seq-(\d+)\.json$")


def _latest_checkpoints(chains: set[int]) -> dict[int, dict]:
    """The newest signed checkpoint file of each chain (engine/audit/checkpoints.py
    names them `chain-<id>-seq-<n>.json`), read from the checkpoint directory."""
    where = Path(settings.JIXIAO_CHECKPOINT_DIR)
    best: dict[int, tuple[int, Path]] = {}
    try:
        names = [p for p in where.iterdir() if p.is_file()]
    except OSError:
        return {}
    for path in names:
        m = CHECKPOINT_FILE.match(path.name)
        if m and int(m[1]) in chains and int(m[2]) >= best.get(int(m[1]), (-1, path))[0]:
            best[int(m[1])] = (int(m[2]), path)
    out = {}
    for chain, (_seq, path) in best.items():
        try:
            point = json.loads(path.read_text())["point"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        out[chain] = point
    return out


def verification_state(user) -> list[dict]:
    """Per audited company: the chain's head (events, hash), the last verification
    recorded on it (when, by whom, its result), the newest signed checkpoint with
    whether the chain still holds it, and an open refusal to sign (the chain failed its
    check against that checkpoint). A fixed number of queries per company."""
    companies = auditable_companies(user)
    heads = {h.chain: h for h in AuditChainHead.objects.filter(chain__in=companies)}
    last_ids = (
        AuditEvent.objects.filter(chain__in=companies, action="trail_verify")
        .values("chain")
        .annotate(last=Max("seq"))
    )
    verified = {}
    for row in last_ids:
        e = AuditEvent.objects.filter(chain=row["chain"], seq=row["last"]).first()
        if e is not None:
            verified[e.chain] = e
    people = dict(
        Employee.objects.filter(user_id__in={e.actor_id for e in verified.values()}).values_list(
            "user_id", "name"
        )
    )
    points = _latest_checkpoints(companies)
    refused = {c: r for c, r in open_refusals().items() if c in companies}
    out = []
    for company in Company.objects.filter(pk__in=companies).order_by("code"):
        head = heads.get(company.pk)
        last = verified.get(company.pk)
        point = points.get(company.pk)
        holds = None
        if point is not None:
            at = AuditEvent.objects.filter(chain=company.pk, seq=point.get("seq")).first()
            holds = at is not None and at.hash == point.get("hash")
        out.append(
            {
                "company": company,
                "events": head.last_seq if head else 0,
                "hash": head.last_hash if head else "",
                "verified": last,
                "verified_by": people.get(last.actor_id, last.actor_label) if last else "",
                "verified_ok": bool(last and isinstance(last.after, dict) and last.after.get("ok")),
                "checkpoint": point,
                "checkpoint_at": _moment(point.get("at")) if point else None,
                "checkpoint_holds": holds,
                # Signing refused: the chain no longer holds to its last signed checkpoint.
                "refused": refused.get(company.pk),
                "refused_at": _moment(refused[company.pk].get("at"))
                if company.pk in refused
                else None,
            }
        )
    return out


def _moment(text) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
