"""The archive's extension point: who signed the form.

`signatures` is sent with `appraisal`, `version` (the ResultVersion the form is for) and
`english` (the form's language) while the form is put together. Each receiver returns
a list of dicts — `label` (what was signed, e.g. 被考核人确认 / "Employee's
acknowledgement"), `who` (a name), `role`, `at` (an aware datetime or None) and,
optionally, `note` — in the form's language. They are listed under the reviewers'
confirmations; with no receiver (or none answering) the form keeps blank lines for
signatures by hand, as the paper forms do. An app that records acknowledgements
(engine.followup) connects its receiver in `AppConfig.ready()` with a dispatch uid.
"""

from __future__ import annotations

from django.dispatch import Signal

signatures = Signal(use_caching=True)
