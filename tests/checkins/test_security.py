"""Security review: a key result owned by someone who may not see its (private) objective
shows neither on their My week nor in their reminder: its title and its objective's stay
hidden, as everywhere else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from checkins import selectors
from kpis import reminders as kpi_reminders
from objectives.models import Objective
from okrapp.core import weeks
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_key_result(cycle, team, lead, outsider):
    """A key result of the Marketing team's private objective, given to someone of Sales."""
    objective = ObjectiveFactory(
        cycle=cycle,
        team=team,
        owner=lead,
        visibility=Objective.Visibility.PRIVATE,
        title="Secret rebranding",
    )
    return KeyResultFactory(objective=objective, owner=outsider, title="Codename Falcon ready")


def test_my_week_leaves_out_a_key_result_whose_objective_one_may_not_see(
    client, outsider, hidden_key_result
):
    client.force_login(outsider)
    html = client.get(reverse("checkins:my_week")).content.decode()
    assert "Secret rebranding" not in html
    assert "Codename Falcon ready" not in html


def test_my_week_keeps_a_key_result_of_a_private_objective_of_ones_team(
    client, lead, member, cycle, team
):
    objective = ObjectiveFactory(
        cycle=cycle, team=team, owner=lead, visibility=Objective.Visibility.PRIVATE
    )
    KeyResultFactory(objective=objective, owner=member, title="Team secret on track")
    client.force_login(member)
    assert "Team secret on track" in client.get(reverse("checkins:my_week")).content.decode()


def test_the_reminder_leaves_out_a_key_result_whose_objective_its_owner_may_not_see(
    outsider, hidden_key_result, monkeypatch
):
    monkeypatch.setattr(kpi_reminders, "stale_kpis_due", lambda today: {})
    due = selectors.reminders_due(weeks.week_of())
    reminded = {key_result.pk for entry in due for key_result in entry.key_results}
    assert hidden_key_result.pk not in reminded
