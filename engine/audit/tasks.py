"""Beat's hourly checkpoint of every audit chain (engine/audit/signing.py): each chain
is re-computed and held to its last signed checkpoint before its head is signed."""

from celery import shared_task


@shared_task(name="engine.audit.tasks.write_checkpoints")
def write_checkpoints() -> int:
    """Nothing to do without a signing key; a new file only when a chain moved; a chain
    that fails its check is refused (logged, kept, alerted), never signed."""
    from .checkpoints import NoKey
    from .signing import sign_all

    try:
        return sum(1 for s in sign_all() if s.path is not None)
    except NoKey:
        return 0
