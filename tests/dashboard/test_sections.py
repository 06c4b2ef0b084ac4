"""The dashboard's sections drawn once and shared (okrapp.dashboard.sections): a viewer gets
the drawing of another only where they would see the same, never what they may not see."""

from __future__ import annotations

from decimal import Decimal

import pytest

from checkins.services import checkin_create
from objectives.models import Confidence
from okrapp.dashboard import sections
from tests.dashboard.conftest import SECRET, SECRET_KPI, get
from tests.factories import CheckInFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_private_kpi_drawn_for_its_team_stays_masked_for_others(
    client, member, outsider, cycle, private_kpi
):
    assert SECRET_KPI in get(client, outsider, "/").content.decode()
    assert SECRET_KPI not in get(client, member, "/").content.decode()


def test_private_attention_items_and_blockers_drawn_for_an_admin_stay_masked_for_others(
    client, admin, member, cycle, private_objective, public_objective
):
    CheckInFactory(key_result=private_objective.key_results.get(), blockers="Secret blocker")
    seen_by_admin = get(client, admin, "/").content.decode()
    assert "Secret key result" in seen_by_admin and "Secret blocker" in seen_by_admin
    seen_by_member = get(client, member, "/").content.decode()
    assert "Secret key result" not in seen_by_member
    assert "Secret blocker" not in seen_by_member
    assert SECRET not in seen_by_member


def test_a_section_seen_the_same_again_is_not_drawn_again(
    client, member, cycle, public_objective, monkeypatch
):
    drawn = []
    render = sections.render_to_string
    monkeypatch.setattr(
        sections, "render_to_string", lambda name, page: drawn.append(name) or render(name, page)
    )
    get(client, member, "/")
    first = list(drawn)
    get(client, member, "/")
    assert first and drawn == first


def test_a_committed_check_in_draws_the_sections_anew(client, member, cycle, public_objective):
    key_result = public_objective.key_results.get()
    before = get(client, member, "/").content.decode()
    checkin_create(
        key_result=key_result,
        author=key_result.owner,
        value=Decimal(key_result.target_value),
        confidence=Confidence.OFF_TRACK,
        blockers="Waiting for the printer",
    )
    after = get(client, member, "/").content.decode()
    assert "Waiting for the printer" not in before
    assert "Waiting for the printer" in after


def test_the_sections_are_drawn_in_the_viewers_language(client, member, cycle, public_objective):
    english = get(client, member, "/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    member.language = "fr"
    member.save(update_fields=["language"])
    french = get(client, member, "/").content.decode()
    assert "What changed this week" in english
    assert "Ce qui a changé cette semaine" in french
