"""Fixtures of the check-in tests: key results in the active cycle, owned by role."""

from __future__ import annotations

from decimal import Decimal

import pytest

from objectives.models import KeyResult, Objective
from tests.factories import KeyResultFactory, ObjectiveFactory


@pytest.fixture
def objective(cycle, team, lead):
    return ObjectiveFactory(
        cycle=cycle, team=team, owner=lead, title="Notre marketing anime nos communautés"
    )


@pytest.fixture
def key_result(objective, member):
    """A numeric key result owned by the member, from 0 to 100."""
    return KeyResultFactory(
        objective=objective,
        owner=member,
        title="Reach 100 requests a month via lead nurturing",
        start_value=Decimal(0),
        target_value=Decimal(100),
    )


@pytest.fixture
def milestone(objective, member):
    return KeyResultFactory(
        objective=objective,
        owner=member,
        title="Webinar platform chosen",
        kind=KeyResult.Kind.MILESTONE,
        start_value=Decimal(0),
        target_value=Decimal(1),
    )


@pytest.fixture
def private_key_result(cycle, other_team, outsider):
    objective = ObjectiveFactory(
        cycle=cycle,
        team=other_team,
        owner=outsider,
        visibility=Objective.Visibility.PRIVATE,
        title="Confidential sales plan",
    )
    return KeyResultFactory(objective=objective, owner=outsider, title="Sign 3 secret deals")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Size tests create dozens of people; PBKDF2 would make them crawl.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
