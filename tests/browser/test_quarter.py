"""A lead closes the quarter in French, with the keyboard: grades a key result, writes the
retrospective, keeps one objective for next quarter and abandons another."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from objectives.models import CarryOver, Objective
from objectives.services import objective_refresh_score
from okrapp.core.models import Cycle, Membership
from tests.browser.test_checkins import sign_in
from tests.factories import (
    CycleFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    TeamFactory,
    company_team,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quarter(db):
    team = TeamFactory(name="Marketing", parent=company_team())
    lead = MembershipFactory(
        team=team, role=Membership.Role.LEAD, user__display_name="Léa Lead", user__language="fr"
    ).user
    previous = CycleFactory(
        name="T1 2026",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 3, 31),
        status=Cycle.Status.GRADING,
        grading_opened_on=datetime.date(2026, 4, 1),
    )
    CycleFactory(
        name="T2 2026",
        start_date=datetime.date(2026, 4, 1),
        end_date=datetime.date(2026, 6, 30),
        status=Cycle.Status.PLANNING,
    )
    kept = ObjectiveFactory(cycle=previous, team=team, owner=lead, title="Notre marque rayonne")
    KeyResultFactory(
        objective=kept, title="Notoriété à 30 %", current_value=Decimal(60), final_score=60
    )
    dropped = ObjectiveFactory(cycle=previous, team=team, owner=lead, title="Un podcast mensuel")
    KeyResultFactory(objective=dropped, title="6 épisodes", current_value=Decimal(20))
    for objective in (kept, dropped):
        objective_refresh_score(objective_id=objective.pk)
    return lead, previous, kept, dropped


def press(page, locator) -> None:
    locator.focus()
    page.keyboard.press("Enter")


@pytest.mark.parametrize("width", [375, 1280])
def test_a_lead_grades_looks_back_and_carries_two_objectives_over_in_french(
    page, live_server, quarter, width
):
    lead, previous, kept, dropped = quarter
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, lead.email)
    page.goto(f"{live_server.url}/okrs/cycles/{previous.pk}/grading/")

    card = page.locator(f"#objective-{kept.pk}")
    card.get_by_label("Note finale de Notoriété à 30 %").fill("75")
    page.keyboard.press("Tab")
    page.keyboard.type("Belle fin de trimestre")
    card.get_by_label("Ce qui a bien marché").fill("La campagne de mars")
    card.get_by_label("Ce que nous avons appris").fill("Commencer plus tôt")
    press(page, card.get_by_role("button", name="Enregistrer les notes"))
    page.get_by_text("Les notes de « Notre marque rayonne » sont enregistrées.").wait_for()

    card = page.locator(f"#objective-{kept.pk}")
    card.get_by_label("Reconduire").check()
    press(page, card.get_by_role("button", name="Enregistrer la décision"))
    page.get_by_text("Votre décision sur « Notre marque rayonne » est enregistrée.").wait_for()

    card = page.locator(f"#objective-{dropped.pk}")
    card.get_by_label("Abandonner").check()
    card.get_by_label("Raison (facultatif)").fill("Pas de public")
    press(page, card.get_by_role("button", name="Enregistrer la décision"))
    page.get_by_text("Votre décision sur « Un podcast mensuel » est enregistrée.").wait_for()
    page.screenshot(path=f"/tmp/quarter-grading-{width}.png", full_page=True)

    assert page.locator(f"#objective-{dropped.pk}").get_by_text("Abandonné par Léa Lead").count()
    kept.refresh_from_db()
    assert (kept.final_score, kept.learned) == (Decimal(75), "Commencer plus tôt")
    copy = CarryOver.objects.get(source=kept).target
    assert copy.cycle.name == "T2 2026"
    assert list(copy.key_results.values_list("start_value", flat=True)) == [Decimal(60)]
    assert CarryOver.objects.get(source=dropped).reason == "Pas de public"
    assert not Objective.objects.filter(cycle=copy.cycle, title="Un podcast mensuel").exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [375, 1280])
def test_a_lead_carries_an_objective_over_with_changes_in_the_editor_in_french(
    page, live_server, quarter, width
):
    lead, previous, kept, _dropped = quarter
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, lead.email)
    page.goto(f"{live_server.url}/okrs/cycles/{previous.pk}/grading/")

    card = page.locator(f"#objective-{kept.pk}")
    card.get_by_label("Modifier").check()
    press(page, card.get_by_role("button", name="Enregistrer la décision"))
    page.get_by_role("heading", name="Reconduire avec des changements").wait_for()
    assert not CarryOver.objects.exists()
    assert page.locator("#id_title").input_value() == "Notre marque rayonne"
    assert page.locator("#id_kr-0-title").input_value() == "Notoriété à 30 %"
    assert page.locator('input[name="kr-0-start_value"]').input_value() == "60"
    page.screenshot(path=f"/tmp/quarter-modify-editor-{width}.png", full_page=True)

    press(page, page.get_by_role("link", name="Annuler"))
    page.wait_for_url(f"**/okrs/cycles/{previous.pk}/grading/**")
    assert not CarryOver.objects.exists()
    assert not Objective.objects.filter(cycle__name="T2 2026").exists()

    card = page.locator(f"#objective-{kept.pk}")
    card.get_by_label("Modifier").check()
    press(page, card.get_by_role("button", name="Enregistrer la décision"))
    page.get_by_role("heading", name="Reconduire avec des changements").wait_for()
    page.locator('input[name="kr-0-target_value"]').fill("150")
    page.get_by_label("Pourquoi il change (facultatif)").fill("Viser plus haut")
    press(page, page.get_by_role("button", name="Enregistrer la copie"))
    page.get_by_text("Reconduit depuis").first.wait_for()
    page.screenshot(path=f"/tmp/quarter-modify-saved-{width}.png", full_page=True)

    record = CarryOver.objects.get(source=kept)
    assert (record.decision, record.reason) == ("modify", "Viser plus haut")
    key_result = record.target.key_results.get()
    assert (key_result.start_value, key_result.target_value) == (Decimal(60), Decimal(150))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
