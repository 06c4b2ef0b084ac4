from __future__ import annotations

from decimal import Decimal

import pytest

from objectives.forms import KeyResultForm
from tests.factories import KeyResultFactory

pytestmark = pytest.mark.django_db


def test_an_existing_key_result_value_moves_by_check_ins_only():
    key_result = KeyResultFactory(current_value=Decimal(30))
    form = KeyResultForm(
        instance=key_result,
        data={
            "title": key_result.title,
            "kind": "numeric",
            "start_value": "0",
            "target_value": "100",
            "current_value": "99",
            "weight": "1",
            "position": "0",
        },
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["current_value"] == Decimal(30)
