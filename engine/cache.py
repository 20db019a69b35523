"""The installation's one cache. gunicorn runs several worker processes and an
installation may run several web nodes: a per-process cache would give each its own
API call budget (20 calls passed a 10/min limit with 2 workers) and its own memory of
refusals already recorded. With `JIXIAO_CACHE_URL` set (production: `production
--check` asks for it) they share Redis; without it (a developer's machine, the
embedded default) the cache is the process's memory.

Redis going away must not take the site with it: each cache call that cannot reach
Redis is logged and answered as a miss, so the pages and the API keep working with rate
limits and coalescing relaxed until Redis is back (the broker and `/health` say Redis
is down; the cache does not need to say it again with a 500)."""

from __future__ import annotations

import functools
import logging
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

# The calls of Django's cache API and what each answers when Redis cannot be reached.
_ON_FAILURE: dict[str, Any] = {
    "get": None,
    "get_many": {},
    "has_key": False,
    "set": None,
    "set_many": [],
    "add": True,  # "not there before": nothing is refused because Redis is down
    "touch": False,
    "delete": False,
    "delete_many": None,
    "incr": None,
    "clear": None,
}


def _tolerant(name: str, method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (redis.RedisError, OSError) as exc:
            log.warning("cache %s failed: Redis does not answer (%s)", name, exc)
            if name == "get":
                return kwargs.get("default", args[1] if len(args) > 1 else None)
            if name == "incr":
                raise ValueError("the cache cannot be reached") from exc
            return _ON_FAILURE[name]

    return call


class TolerantRedisCache(RedisCache):
    """Django's RedisCache whose calls answer a miss, logged, while Redis is down."""


for _name in _ON_FAILURE:
    setattr(TolerantRedisCache, _name, _tolerant(_name, getattr(RedisCache, _name)))


def caches_setting(url: str, prefix: str) -> dict[str, dict[str, Any]]:
    """CACHES for settings.py: Redis at `url` when one is named, else local memory."""
    if url:
        return {
            "default": {
                "BACKEND": "engine.cache.TolerantRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": prefix,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
