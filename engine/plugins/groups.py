"""Plugins registered under an entry-point group other than the packs' (notification
channels, sign-in and directory plugins): found once per process.

The installed plugins change only when the operator installs software (and restarts),
while reading the entry points of every installed distribution costs ~11 ms: done per
notification enqueued it was 10.8 s of the demo's 45. What was found is kept with the
entry-point reader that found it, so a test that fakes `importlib.metadata.entry_points`
is asked again."""

from __future__ import annotations

import logging
from importlib import metadata

import pluggy

from . import hookspecs

log = logging.getLogger(__name__)
_found: dict[tuple[str, str], tuple[object, dict[str, object]]] = {}


def plugins_of(group: str, hook: str) -> dict[str, object]:
    """The installed plugins of `group` implementing `hook`, by name; one that cannot
    be loaded is left out (and logged), never a reason for the others to stop."""
    reader = metadata.entry_points
    kept = _found.get((group, hook))
    if kept is not None and kept[0] is reader:
        return dict(kept[1])
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    found = {}
    for ep in reader(group=group):
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except (ImportError, AttributeError, ValueError) as exc:
            log.warning("%s plugin %s cannot be loaded: %s", group, ep.name, exc)
            continue
        if getattr(plugin, hook, None) is not None:
            found[ep.name] = plugin
    _found[(group, hook)] = (reader, found)
    return dict(found)
