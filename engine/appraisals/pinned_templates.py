"""Templates as activated: read from the database, never from the installed pack,
so an appraisal always computes with the version it pinned."""

from __future__ import annotations

import functools

from engine.scoring import RoleTemplate

from .models import Appraisal, PackActivation


@functools.lru_cache(maxsize=512)
def _template(activation_id: int, role: str, fingerprint: str) -> RoleTemplate:
    data = PackActivation.objects.values_list("templates", flat=True).get(pk=activation_id)
    return RoleTemplate.from_dict(data[role])


def template_for(appraisal: Appraisal) -> RoleTemplate:
    """Cached by the pinned hash: activations never change once written."""
    return _template(appraisal.activation_id, appraisal.role, appraisal.template_hash)


def template_pinned(activation_id: int, role: str, template_hash: str) -> RoleTemplate:
    """`template_for` from the three columns that pin it, for a caller that read only
    those (no appraisal row loaded)."""
    return _template(activation_id, role, template_hash)
