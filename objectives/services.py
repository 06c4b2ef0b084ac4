"""Every write to objectives and key results, one transaction each."""

from __future__ import annotations

from django.db import transaction

from objectives import scoring
from objectives.models import KeyResult, Objective


def key_result_compute_score(key_result: KeyResult):
    return scoring.key_result_score(
        start=key_result.start_value,
        target=key_result.target_value,
        current=key_result.current_value,
        is_milestone=key_result.is_milestone,
    )


@transaction.atomic
def objective_refresh_score(*, objective_id: int) -> None:
    """Recompute the stored scores of an objective and of its key results."""
    key_results = list(KeyResult.objects.filter(objective_id=objective_id))
    pairs = []
    for key_result in key_results:
        key_result.score = key_result_compute_score(key_result)
        pairs.append((key_result.score, key_result.weight))
    if key_results:
        KeyResult.objects.bulk_update(key_results, ["score"])
    Objective.objects.filter(pk=objective_id).update(score=scoring.objective_score(pairs))
