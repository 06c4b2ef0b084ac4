"""Writes on the organisation (cycles), one transaction each."""

from __future__ import annotations

from django.db import transaction

from okrapp.models import Cycle


@transaction.atomic
def cycle_close(*, cycle: Cycle) -> bool:
    """Close a cycle and store its final scores. Returns False if it was already closed.

    The status is claimed with a conditional UPDATE, so closing twice (two admins, a retried
    request) runs the final roll-up once. The roll-up is queued after commit; being closed,
    the cycle's next roll-up is the final one in any case, then it is frozen.
    """
    from objectives.tasks import rollup_scores

    claimed = (
        Cycle.objects.filter(pk=cycle.pk)
        .exclude(status=Cycle.Status.CLOSED)
        .update(status=Cycle.Status.CLOSED)
    )
    cycle.status = Cycle.Status.CLOSED
    if not claimed:
        return False
    transaction.on_commit(lambda: rollup_scores.delay(cycle.pk, final=True))
    return True
