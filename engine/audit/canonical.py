"""Canonical JSON for hashing: the hash must survive code changes and database
round trips, so keys are sorted, separators fixed, and decimals/floats/dates are
strings (jsonb would otherwise reformat numbers)."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from typing import Any

GENESIS = "0" * 64


_PLAIN = frozenset({str, int, bool, type(None)})


def normalise(value: Any) -> Any:
    """Turn a value into plain JSON types whose text form is stable."""
    kind = type(value)
    if kind in _PLAIN:  # the common case first: a month-end sweep hashes 100,000 events
        return value
    if kind is dict and all(type(v) in _PLAIN and type(k) is str for k, v in value.items()):
        return value
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, float):
        return str(decimal.Decimal(repr(value)))
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [normalise(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return str(value)


def dumps(value: Any) -> str:
    return json.dumps(normalise(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + dumps(payload)).encode("utf-8")).hexdigest()


def chain_hash_of_normalised(prev_hash: str, row: dict[str, Any], at_text: str) -> str:
    """`chain_hash(prev_hash, event.payload())` for an event whose `before` and `after`
    are normalised already and whose time is `at_text` — the same text, without
    normalising every value again (a month-end sweep appends 100,000 events)."""
    payload = {
        "chain": row["chain"],
        "seq": row["seq"],
        "at": at_text,
        "company": row["company_id"],
        "actor": row["actor_id"],
        "actor_label": row["actor_label"],
        "role": row["role"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "action": row["action"],
        "before": row["before"],
        "after": row["after"],
        "reason": row["reason"],
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()
