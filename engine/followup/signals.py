"""The follow-up's extension point: a signature given on a published result.

`signed` is sent with `appraisal` (locked) and `version` (the result version's number)
after the appraised employee signed their answer to it — acknowledged or declined —
inside the signing transaction and after its audit event. A receiver takes note of the
signature (archive: the form of that version is kept again after the commit, as a new
edition listing it); responses are ignored. Sender: `FollowUp`.
"""

from __future__ import annotations

from django.dispatch import Signal

signed = Signal(use_caching=True)
