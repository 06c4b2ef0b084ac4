"""The quarter end to end: cycle management, the daily move, grading and carry-over."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from checkins.models import Notification
from checkins.services import checkin_create
from objectives import cycle_services, grading_services
from objectives.models import CarryOver, KeyResult, Objective
from objectives.services import objective_create, objective_refresh_score
from objectives.tasks import advance_cycles
from okrapp.core.models import Cycle
from okrapp.core.permissions import viewer_for
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def _in_english():
    # The services' messages are read in English here, whatever a test before activated.
    with translation.override("en"):
        yield


@pytest.fixture
def q1(db):
    return CycleFactory(
        name="T1 2026",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 3, 31),
        status=Cycle.Status.ACTIVE,
    )


@pytest.fixture
def objective(q1, team, lead):
    objective = ObjectiveFactory(cycle=q1, team=team, owner=lead, title="Win the market")
    KeyResultFactory(objective=objective, current_value=Decimal(60), title="Sixty of a hundred")
    KeyResultFactory(objective=objective, current_value=Decimal(100), title="Done already")
    objective_refresh_score(objective_id=objective.pk)
    return objective


def grading(cycle: Cycle) -> Cycle:
    cycle.status = Cycle.Status.GRADING
    cycle.grading_opened_on = TODAY
    cycle.save()
    return cycle


# --- Cycle management ------------------------------------------------------------------------


def test_an_admin_creates_a_cycle_in_planning(admin):
    cycle = cycle_services.cycle_create(
        viewer=viewer_for(admin),
        name="T3 2026",
        start_date=datetime.date(2026, 7, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    assert cycle.status == Cycle.Status.PLANNING


def test_a_cycle_never_overlaps_another(admin, q1):
    with pytest.raises(ValidationError) as error:
        cycle_services.cycle_create(
            viewer=viewer_for(admin),
            name="Overlap",
            start_date=datetime.date(2026, 3, 15),
            end_date=datetime.date(2026, 5, 1),
        )
    assert "start_date" in error.value.message_dict


def test_a_lead_may_not_create_a_cycle(lead):
    with pytest.raises(PermissionDenied):
        cycle_services.cycle_create(
            viewer=viewer_for(lead),
            name="T3 2026",
            start_date=datetime.date(2026, 7, 1),
            end_date=datetime.date(2026, 9, 30),
        )


def test_starting_a_cycle_moves_the_active_one_to_grading(admin, q1, q2):
    cycle_services.cycle_move(viewer=viewer_for(admin), cycle=q2, target=Cycle.Status.ACTIVE)
    q1.refresh_from_db()
    q2.refresh_from_db()
    assert (q1.status, q2.status) == (Cycle.Status.GRADING, Cycle.Status.ACTIVE)
    assert Cycle.objects.filter(status=Cycle.Status.ACTIVE).count() == 1


def test_a_cycle_cannot_skip_a_state(admin, q2):
    with pytest.raises(ValidationError):
        cycle_services.cycle_move(viewer=viewer_for(admin), cycle=q2, target=Cycle.Status.CLOSED)


def test_opening_grading_sets_each_final_grade_to_the_score(admin, q1, objective):
    cycle_services.cycle_move(viewer=viewer_for(admin), cycle=q1, target=Cycle.Status.GRADING)
    grades = sorted(objective.key_results.values_list("final_score", flat=True))
    assert grades == [Decimal(60), Decimal(100)]
    objective.refresh_from_db()
    assert objective.final_score == Decimal(80)


def test_leads_are_notified_and_emailed_once_when_grading_opens(
    admin, lead, q1, objective, django_capture_on_commit_callbacks
):
    from objectives.tasks import grading_opened

    with django_capture_on_commit_callbacks(execute=True):
        cycle_services.cycle_move(viewer=viewer_for(admin), cycle=q1, target=Cycle.Status.GRADING)
    with django_capture_on_commit_callbacks(execute=True):
        grading_opened(q1.pk)  # the job run again changes nothing
    assert Notification.objects.filter(user=lead).count() == 1
    assert [message.to for message in mail.outbox] == [[lead.email]]


# --- The daily move --------------------------------------------------------------------------


def test_the_daily_task_starts_the_next_quarter_on_its_start_date(q1, q2, settings, monkeypatch):
    monkeypatch.setattr("okrapp.core.weeks.local_date", lambda now=None: TODAY)
    advance_cycles()
    q1.refresh_from_db()
    q2.refresh_from_db()
    assert (q1.status, q1.grading_opened_on, q2.status) == (
        Cycle.Status.GRADING,
        TODAY,
        Cycle.Status.ACTIVE,
    )


def test_the_daily_task_run_twice_changes_nothing_the_second_time(q1, q2, monkeypatch):
    monkeypatch.setattr("okrapp.core.weeks.local_date", lambda now=None: TODAY)
    first = advance_cycles()
    states = list(Cycle.objects.order_by("pk").values_list("status", "grading_opened_on"))
    second = advance_cycles()
    assert first and second == []
    assert list(Cycle.objects.order_by("pk").values_list("status", "grading_opened_on")) == states


def test_the_daily_task_closes_a_grading_cycle_after_the_grading_period(q1, settings, monkeypatch):
    grading(q1)
    settings.GRADING_PERIOD_DAYS = 14
    monkeypatch.setattr(
        "okrapp.core.weeks.local_date", lambda now=None: TODAY + datetime.timedelta(days=14)
    )
    advance_cycles()
    q1.refresh_from_db()
    assert q1.status == Cycle.Status.CLOSED


# --- Planning --------------------------------------------------------------------------------


def test_a_lead_drafts_an_objective_in_a_planning_cycle(lead, team, q2):
    objective = objective_create(
        viewer=viewer_for(lead),
        cycle=q2,
        title="Next quarter",
        level=Objective.Level.TEAM,
        team=team,
        owner=lead,
        key_results=[{"title": "Reach 10", "target_value": Decimal(10)}],
    )
    assert objective.cycle == q2


def test_no_check_in_on_a_planning_cycle(lead, team, q2):
    key_result = KeyResultFactory(objective__cycle=q2, objective__team=team, owner=lead)
    with pytest.raises(ValidationError, match="not started"):
        checkin_create(key_result=key_result, author=lead, value=Decimal(5), confidence="on_track")


def test_no_check_in_once_grading_opened(lead, q1, objective):
    grading(q1)
    key_result = objective.key_results.first()
    with pytest.raises(ValidationError, match="graded"):
        checkin_create(key_result=key_result, author=lead, value=Decimal(5), confidence="on_track")


def test_late_check_ins_when_the_setting_allows_them(lead, q1, objective, settings, monkeypatch):
    settings.LATE_CHECKIN_DAYS = 3
    monkeypatch.setattr("okrapp.core.weeks.local_date", lambda now=None: TODAY)
    grading(q1)
    key_result = objective.key_results.first()
    checkin_create(key_result=key_result, author=lead, value=Decimal(70), confidence="on_track")
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(70)


# --- Grading ---------------------------------------------------------------------------------


def test_the_lead_grades_a_key_result_and_the_final_score_follows(lead, q1, objective):
    grading(q1)
    first, second = objective.key_results.order_by("position")
    grading_services.key_result_grade(
        viewer=viewer_for(lead), key_result=first, final_score=Decimal(40), grade_note="Slow"
    )
    grading_services.key_result_grade(
        viewer=viewer_for(lead), key_result=second, final_score=Decimal(100)
    )
    objective.refresh_from_db()
    assert objective.final_score == Decimal(70)


def test_a_member_of_another_team_may_not_grade(outsider, q1, objective):
    grading(q1)
    with pytest.raises(PermissionDenied):
        grading_services.key_result_grade(
            viewer=viewer_for(outsider),
            key_result=objective.key_results.first(),
            final_score=Decimal(100),
        )


def test_grades_are_refused_before_grading_opens(lead, objective):
    with pytest.raises(PermissionDenied):
        grading_services.key_result_grade(
            viewer=viewer_for(lead),
            key_result=objective.key_results.first(),
            final_score=Decimal(100),
        )


def test_the_owner_writes_the_retrospective(lead, q1, objective):
    grading(q1)
    grading_services.objective_retrospective(
        viewer=viewer_for(lead),
        objective=objective,
        went_well="Launch",
        went_badly="Pricing",
        learned="Ask earlier",
    )
    objective.refresh_from_db()
    assert (objective.went_well, objective.went_badly, objective.learned) == (
        "Launch",
        "Pricing",
        "Ask earlier",
    )


def test_a_member_may_not_write_the_team_objectives_retrospective(member, q1, objective):
    grading(q1)
    with pytest.raises(PermissionDenied):
        grading_services.objective_retrospective(
            viewer=viewer_for(member), objective=objective, went_well="", went_badly="", learned=""
        )


# --- Carry-over ------------------------------------------------------------------------------


def test_keeping_copies_the_unfinished_key_results_starting_at_their_last_value(
    lead, q1, q2, objective
):
    grading(q1)
    result = grading_services.objective_carry_over(
        viewer=viewer_for(lead), objective=objective, cycle=q2, decision="keep"
    )
    copy = result.carry_over.target
    assert copy.cycle == q2
    assert list(copy.key_results.values_list("title", "start_value", "target_value")) == [
        ("Sixty of a hundred", Decimal(60), Decimal(100))
    ]
    assert result.carry_over.decided_by == lead


def test_a_kept_objective_stays_aligned_when_its_parent_was_carried_too(
    admin, lead, company, q1, q2, objective
):
    grading(q1)
    parent = ObjectiveFactory(cycle=q1, level=Objective.Level.COMPANY, team=company, owner=admin)
    KeyResultFactory(objective=parent, current_value=Decimal(10))
    Objective.objects.filter(pk=objective.pk).update(parent=parent)
    objective.refresh_from_db()
    carried_parent = grading_services.objective_carry_over(
        viewer=viewer_for(admin), objective=parent, cycle=q2, decision="keep"
    ).carry_over.target
    result = grading_services.objective_carry_over(
        viewer=viewer_for(lead), objective=objective, cycle=q2, decision="keep"
    )
    assert result.carry_over.target.parent == carried_parent
    assert result.warnings == []


def test_a_kept_objective_whose_parent_was_not_carried_is_unaligned_and_the_editor_told(
    admin, lead, company, q1, q2, objective
):
    grading(q1)
    parent = ObjectiveFactory(cycle=q1, level=Objective.Level.COMPANY, team=company, owner=admin)
    Objective.objects.filter(pk=objective.pk).update(parent=parent)
    objective.refresh_from_db()
    result = grading_services.objective_carry_over(
        viewer=viewer_for(lead), objective=objective, cycle=q2, decision="keep"
    )
    assert result.carry_over.target.parent is None
    assert "not carried over" in result.warnings[0]


def test_abandoning_copies_nothing_and_records_the_reason(lead, q1, q2, objective):
    grading(q1)
    result = grading_services.objective_carry_over(
        viewer=viewer_for(lead), objective=objective, cycle=None, decision="abandon", reason="Done"
    )
    assert (result.carry_over.target, result.carry_over.reason) == (None, "Done")
    assert not Objective.objects.filter(cycle=q2).exists()


def test_carrying_an_objective_a_second_time_is_refused(lead, q1, q2, objective):
    grading(q1)
    viewer = viewer_for(lead)
    grading_services.objective_carry_over(
        viewer=viewer, objective=objective, cycle=q2, decision="keep"
    )
    with pytest.raises(grading_services.AlreadyCarried):
        grading_services.objective_carry_over(
            viewer=viewer, objective=objective, cycle=q2, decision="abandon"
        )
    assert CarryOver.objects.count() == 1


def test_an_outsider_may_not_carry_an_objective_over(outsider, q1, q2, objective):
    grading(q1)
    with pytest.raises(PermissionDenied):
        grading_services.objective_carry_over(
            viewer=viewer_for(outsider), objective=objective, cycle=q2, decision="keep"
        )


def test_an_objective_of_an_active_cycle_is_not_carried_over(lead, q2, objective):
    with pytest.raises(PermissionDenied):
        grading_services.objective_carry_over(
            viewer=viewer_for(lead), objective=objective, cycle=q2, decision="keep"
        )


def test_an_objective_is_not_carried_into_a_closed_cycle(lead, q1, objective):
    grading(q1)
    closed = CycleFactory(
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 3, 31),
        status=Cycle.Status.CLOSED,
    )
    with pytest.raises(ValidationError):
        grading_services.objective_carry_over(
            viewer=viewer_for(lead), objective=objective, cycle=closed, decision="keep"
        )
    assert not KeyResult.objects.filter(objective__cycle=closed).exists()
