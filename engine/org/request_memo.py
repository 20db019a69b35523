"""The reader's company roles and the people they stand in for as a deputy are asked,
within one request, by the view, by each permission check and by the navigation. Each
answer is read once per request and kept only until the response is made: outside a
request (services, commands, the sweep, tests calling services) nothing is kept, and a
change of roles or delegations during a request forgets what was kept."""

from __future__ import annotations

import copy
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
_memo: ContextVar[dict[Any, Any] | None] = ContextVar("jixiao_request_memo", default=None)


class RequestMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)


def remembered(key: Any, compute: Callable[[], T]) -> T:
    """`compute()` once per request for `key`; a copy each time, so that a caller
    changing what it got changes nothing for the next."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return copy.deepcopy(memo[key])


def forget(*_args, **_kwargs) -> None:
    """Drop what this request kept (connected to the saves and deletes of roles and
    delegations)."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()
