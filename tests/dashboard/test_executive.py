"""The executive's view: KPIs on the dashboard, what changed this week, the expected pace,
needs attention, who has not checked in, breadcrumbs, the quarterly report (HTML and PDF)
and the board's exports — what they show, to whom, at what cost."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from kpis.models import KPI
from objectives.models import Confidence, Objective, ScoreSnapshot
from objectives.rollup_services import (
    team_score_changes_since_last_weekly_snapshot,
    team_scores,
)
from okrapp.core.models import Membership
from okrapp.dashboard import report as report_rules
from okrapp.dashboard.models import ReportFile
from okrapp.dashboard.services import report_files_purge
from tests.dashboard.conftest import SECRET, SECRET_KPI, count_queries, get
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    MeasurementFactory,
    MembershipFactory,
    ObjectiveFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def alert_kpi(team, lead):
    kpi = KPIFactory(name="Qualified web leads", team=team, owner=lead, target_value=D(50))
    MeasurementFactory(kpi=kpi, value=D(20))  # no threshold: any miss is an alert
    return kpi


# 1. KPIs on the dashboard ------------------------------------------------------------------


def test_dashboard_counts_kpis_by_status_and_names_the_alerts(
    client, member, cycle, alert_kpi, private_kpi
):
    healthy = KPIFactory(name="Open rate", target_value=D(50))
    MeasurementFactory(kpi=healthy, value=D(55))
    response = get(client, member, "/")
    counts = {item.key: item.count for item in response.context["kpi_statuses"]}
    assert counts == {"green": 1, "amber": 0, "red": 2, "stale": 0}
    content = response.content.decode()
    assert f'href="/kpis/{alert_kpi.pk}/"' in content
    assert "Qualified web leads" in content


def test_a_private_kpi_counts_but_shows_masked_to_those_not_allowed(
    client, member, cycle, private_kpi
):
    content = get(client, member, "/").content.decode()
    assert SECRET_KPI not in content
    assert "Private KPI" in content
    assert f"/kpis/{private_kpi.pk}/" not in content


def test_a_private_kpi_shows_to_its_team(client, outsider, cycle, private_kpi):
    assert SECRET_KPI in get(client, outsider, "/").content.decode()


def test_each_team_row_shows_its_branchs_worst_kpi_status(
    client, member, cycle, team, other_team, alert_kpi
):
    sub = TeamFactory(name="Acquisition", parent=other_team)
    stale = KPIFactory(team=sub, frequency=KPI.Frequency.WEEKLY)
    MeasurementFactory(kpi=stale, period_date=timezone.localdate() - datetime.timedelta(days=60))
    rows = {row.team.pk: row for row in get(client, member, "/").context["rows"]}
    assert rows[team.pk].kpi_status == "red"
    assert rows[other_team.pk].kpi_status == "stale"


def test_filtering_the_dashboard_to_a_team_filters_its_kpis(
    client, member, cycle, team, alert_kpi, private_kpi
):
    response = get(client, member, f"/?team={team.pk}")
    assert response.context["scope"] == team
    assert [line.kpi for line in response.context["kpis"].alerts] == [alert_kpi]
    assert response.context["kpis"].total == 1


def test_the_dashboard_lists_the_ten_most_urgent_kpis_and_links_to_the_rest(
    client, member, cycle, team, lead
):
    for number in range(12):
        kpi = KPIFactory(name=f"Alert {number}", team=team, owner=lead, target_value=D(50))
        MeasurementFactory(kpi=kpi, value=D(20))
    stale = KPIFactory(name="Stale one", team=team, frequency=KPI.Frequency.WEEKLY)
    MeasurementFactory(kpi=stale, period_date=timezone.localdate() - datetime.timedelta(days=60))
    response = get(client, member, "/")
    kpis = response.context["kpis"]
    assert (len(kpis.alerts), kpis.alerts_total, kpis.counts["red"]) == (10, 13, 12)
    assert all(line.status == "red" for line in kpis.alerts)  # alerts before stale ones
    html = response.content.decode()
    assert 'href="/kpis/?status=red"' in html and 'href="/kpis/?status=stale"' in html


# 2. What changed -------------------------------------------------------------------------


def snapshot(cycle, team, day, score):
    ScoreSnapshot.objects.create(
        cycle=cycle,
        day=day,
        node_type=ScoreSnapshot.NodeType.TEAM,
        team=team,
        own_score=score,
        rolled_up_score=score,
    )


def test_score_change_is_read_against_the_snapshot_a_week_old(cycle, company, team):
    ObjectiveFactory(cycle=cycle, team=team, score=D(60))
    today = timezone.localdate()
    snapshot(cycle, team, today - datetime.timedelta(days=9), D(40))
    snapshot(cycle, team, today - datetime.timedelta(days=7), D(52))  # the weekly one
    snapshot(cycle, team, today - datetime.timedelta(days=2), D(58))  # too recent
    changes = team_score_changes_since_last_weekly_snapshot(cycle.pk, team_scores(cycle.pk))
    assert changes[team.pk] == D(8)


def test_no_change_is_shown_before_a_snapshot_is_a_week_old(cycle, company, team):
    ObjectiveFactory(cycle=cycle, team=team, score=D(60))
    snapshot(cycle, team, timezone.localdate() - datetime.timedelta(days=3), D(40))
    assert team_score_changes_since_last_weekly_snapshot(cycle.pk, team_scores(cycle.pk)) == {}


def test_the_tree_shows_each_teams_change_this_week(client, member, cycle, team):
    ObjectiveFactory(cycle=cycle, team=team, score=D(45))
    snapshot(cycle, team, timezone.localdate() - datetime.timedelta(days=7), D(50))
    response = get(client, member, "/")
    rows = {row.team.pk: row for row in response.context["rows"]}
    assert rows[team.pk].change == D(-5)
    assert "down 5 points this week" in response.content.decode()


def test_a_key_result_whose_confidence_dropped_this_week_is_listed(
    client, member, cycle, public_objective
):
    key_result = public_objective.key_results.get()
    CheckInFactory(
        key_result=key_result,
        confidence=Confidence.ON_TRACK,
        created_at=timezone.now() - datetime.timedelta(days=10),
    )
    CheckInFactory(key_result=key_result, confidence=Confidence.AT_RISK)
    key_result.confidence = Confidence.AT_RISK
    key_result.save()
    changes = get(client, member, "/").context["changes"]
    assert [drop.key_result for drop in changes.drops] == [key_result]
    assert changes.drops[0].before == Confidence.ON_TRACK


def test_a_confidence_that_rose_is_no_drop(client, member, cycle, public_objective):
    key_result = public_objective.key_results.get()
    CheckInFactory(
        key_result=key_result,
        confidence=Confidence.OFF_TRACK,
        created_at=timezone.now() - datetime.timedelta(days=10),
    )
    CheckInFactory(key_result=key_result, confidence=Confidence.ON_TRACK)
    assert get(client, member, "/").context["changes"].drops_total == 0


def test_a_kpi_that_changed_status_since_last_week_is_listed(client, member, cycle, team, lead):
    kpi = KPIFactory(team=team, owner=lead, target_value=D(50), frequency=KPI.Frequency.WEEKLY)
    today = timezone.localdate()
    MeasurementFactory(kpi=kpi, period_date=today - datetime.timedelta(days=8), value=D(60))
    MeasurementFactory(kpi=kpi, period_date=today, value=D(30))
    changed = get(client, member, "/").context["kpis"].changed
    assert [(line.kpi, line.status_week_ago, line.status) for line in changed] == [
        (kpi, "green", "red")
    ]


def test_new_check_ins_with_blockers_are_listed_and_private_ones_masked(
    client, member, cycle, public_objective, private_objective
):
    CheckInFactory(key_result=public_objective.key_results.get(), blockers="Waiting for legal")
    CheckInFactory(key_result=private_objective.key_results.get(), blockers="Secret blocker")
    response = get(client, member, "/")
    assert response.context["changes"].blockers_total == 2
    content = response.content.decode()
    assert "Waiting for legal" in content
    assert "Secret blocker" not in content


# 3. Pace on the trend ----------------------------------------------------------------------


def test_the_trend_draws_the_expected_pace_and_says_where_the_score_stands(
    client, member, cycle, public_objective
):
    chart = get(client, member, "/").context["chart"]
    pace = next(line for line in chart["datasets"] if line["role"] == "pace")
    assert 45 <= pace["data"][-1] <= 55  # the cycle is half gone
    assert chart["headline"].startswith("Score 60")
    assert "ahead of pace" in chart["headline"] or "on pace" in chart["headline"]


def test_person_page_shows_the_pace_beside_the_score(client, member, cycle, team):
    ObjectiveFactory(
        cycle=cycle, team=team, owner=member, level=Objective.Level.INDIVIDUAL, score=D(10)
    )
    content = get(client, member, f"/people/{member.pk}/").content.decode()
    assert "Behind pace" in content


# 4. Needs attention ------------------------------------------------------------------------


def test_each_attention_item_links_to_its_key_result_and_private_ones_do_not(
    client, member, cycle, private_objective, public_objective
):
    behind = KeyResultFactory(
        objective=public_objective,
        title="Behind key result",
        score=D(5),
        last_checkin_at=timezone.now(),
    )
    content = get(client, member, "/").content.decode()
    assert f'href="/checkins/key-results/{behind.pk}/"' in content
    secret = private_objective.key_results.get()
    assert f"/checkins/key-results/{secret.pk}/" not in content
    assert "Secret key result" not in content


def test_the_dashboard_shows_the_first_items_and_see_all(client, member, cycle, team, lead):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    for _ in range(17):
        KeyResultFactory(objective=objective, confidence=Confidence.OFF_TRACK)
    response = get(client, member, "/")
    assert len(response.context["attention"]) == 15
    assert "See all 17" in response.content.decode()


def test_the_attention_list_filters_by_team_owner_and_reason(
    client, member, cycle, team, other_team, lead, outsider
):
    ours = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    off = KeyResultFactory(objective=ours, owner=lead, confidence=Confidence.OFF_TRACK)
    blocked = KeyResultFactory(objective=ours, owner=member, last_checkin_at=timezone.now())
    CheckInFactory(key_result=blocked, blockers="No budget")
    theirs = ObjectiveFactory(cycle=cycle, team=other_team, owner=outsider)
    KeyResultFactory(objective=theirs, confidence=Confidence.OFF_TRACK)

    def listed(query):
        page = get(client, member, f"/attention/?{query}").context["attention"]
        return {item.key_result_id for item in page.items}

    assert listed(f"team={team.pk}") == {off.pk, blocked.pk}
    assert listed(f"owner={member.pk}") == {blocked.pk}
    assert listed("reason=blockers") == {blocked.pk}
    assert len(listed("")) == 3


def test_the_attention_list_is_paged(client, member, cycle, team, lead):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    for _ in range(55):
        KeyResultFactory(objective=objective, confidence=Confidence.OFF_TRACK)
    first = get(client, member, "/attention/").context["attention"]
    assert (len(first.items), first.total, first.pages) == (50, 55, 2)
    second = client.get("/attention/?page=2").context["attention"]
    assert len(second.items) == 5
    beyond = client.get("/attention/?page=9").context["attention"]
    assert beyond.number == 2


def test_the_attention_list_masks_private_titles(client, member, cycle, private_objective):
    content = get(client, member, "/attention/").content.decode()
    assert "Secret key result" not in content
    assert SECRET not in content
    assert "Private objective" in content


@pytest.mark.django_db(transaction=True)
def test_the_attention_list_drawn_for_one_who_may_see_a_private_title_hides_it_from_others(
    client, member, outsider, cycle, private_objective
):
    assert SECRET in get(client, outsider, "/attention/").content.decode()
    content = get(client, member, "/attention/").content.decode()
    assert SECRET not in content
    assert "Secret key result" not in content
    assert "Private objective" in content


# 5. Who has not checked in ------------------------------------------------------------------


def silent_setup(cycle, team, other_team):
    quiet = MembershipFactory(team=team, user__display_name="Quiet Quentin").user
    talker = MembershipFactory(team=other_team, user__display_name="Talking Tina").user
    KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, team=team), owner=quiet)
    KeyResultFactory(
        objective=ObjectiveFactory(cycle=cycle, team=other_team),
        owner=talker,
        last_checkin_at=timezone.now(),
    )
    return quiet


def test_an_admin_sees_who_has_not_checked_in_by_department(client, admin, cycle, team, other_team):
    quiet = silent_setup(cycle, team, other_team)
    silence = get(client, admin, "/").context["silence"]
    assert silence.by_department
    assert [(group.team, group.people) for group in silence.groups] == [(team, [quiet])]


def test_a_lead_sees_the_silent_people_of_the_teams_they_lead(
    client, lead, cycle, team, other_team
):
    quiet = silent_setup(cycle, team, other_team)
    sub = TeamFactory(name="Newsletter", parent=team)
    deep = MembershipFactory(team=sub, user__display_name="Deep Dora").user
    KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, team=sub), owner=deep)
    other_quiet = MembershipFactory(team=other_team).user
    KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, team=other_team), owner=other_quiet)
    silence = get(client, lead, "/").context["silence"]
    assert not silence.by_department
    people = {person for group in silence.groups for person in group.people}
    assert people == {quiet, deep}


def test_a_member_sees_no_list_of_silent_people(client, member, cycle, team, other_team):
    silent_setup(cycle, team, other_team)
    response = get(client, member, "/")
    assert response.context["silence"] is None
    assert "Not checked in this week" not in response.content.decode()


# 6. Breadcrumbs -----------------------------------------------------------------------------


def crumbs(response) -> list[str]:
    return [crumb.label for crumb in response.context["crumbs"]]


def test_person_page_has_breadcrumbs_up_to_the_company_and_links_key_results(
    client, member, cycle, company, team
):
    Membership.objects.filter(user=member).update(is_primary=True)
    objective = ObjectiveFactory(
        cycle=cycle, team=team, owner=member, level=Objective.Level.INDIVIDUAL
    )
    key_result = KeyResultFactory(objective=objective)
    response = get(client, member, f"/people/{member.pk}/")
    assert crumbs(response) == ["Dashboard", company.name, team.name]
    content = response.content.decode()
    assert f'href="/okrs/{objective.pk}/"' in content
    assert f'href="/checkins/key-results/{key_result.pk}/"' in content


def test_key_result_page_has_the_whole_chain(client, member, cycle, company, team):
    Membership.objects.filter(user=member).update(is_primary=True)
    objective = ObjectiveFactory(
        cycle=cycle, team=team, owner=member, level=Objective.Level.INDIVIDUAL, title="Mine"
    )
    key_result = KeyResultFactory(objective=objective)
    response = get(client, member, f"/checkins/key-results/{key_result.pk}/")
    assert crumbs(response) == ["Dashboard", company.name, team.name, str(member), "Mine"]


def test_a_kpi_page_links_its_team(client, member, alert_kpi, team):
    content = get(client, member, f"/kpis/{alert_kpi.pk}/").content.decode()
    assert f'href="/teams/{team.pk}/"' in content


# 8. The quarterly report ---------------------------------------------------------------------


def test_the_report_masks_private_objectives_for_those_not_allowed(
    client, member, cycle, public_objective, private_objective, private_kpi
):
    content = get(client, member, "/report/").content.decode()
    assert "Our newsletter is loved" in content
    assert SECRET not in content
    assert "Secret key result" not in content
    assert SECRET_KPI not in content
    assert "Private objective" in content


def test_the_report_of_a_team_covers_its_branch_only(
    client, member, cycle, team, public_objective, private_objective
):
    response = get(client, member, f"/report/?team={team.pk}")
    assert [line.objective for line in response.context["objectives"]] == [public_objective]


def test_a_large_scopes_report_sums_up_individual_objectives_per_team(
    client, member, cycle, other_team, public_objective, private_objective, monkeypatch
):
    monkeypatch.setattr(report_rules, "DETAIL_LIMIT", 1)
    response = get(client, member, "/report/")
    assert [line.objective for line in response.context["objectives"]] == [public_objective]
    [summary] = response.context["people_summaries"]
    assert (summary.team, summary.objectives, summary.off_track) == (other_team, 1, 1)
    assert SECRET not in response.content.decode()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_small_reports_pdf_comes_at_once_in_the_readers_language_and_masked(
    client, member, cycle, public_objective, private_objective
):
    member.language = "fr"
    member.save()
    response = get(client, member, "/report/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "rapport trimestriel" in text.lower()
    assert "Our newsletter is loved" in text
    assert SECRET not in text
    assert "Objectif privé" in text


def test_a_large_reports_pdf_is_made_by_a_worker_with_its_progress(
    client,
    member,
    cycle,
    public_objective,
    private_objective,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(report_rules, "DIRECT_PDF_LIMIT", 1)
    response = get(client, member, "/report/pdf/")
    assert "Prepare the PDF" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/report/pdf/")
    report_file = ReportFile.objects.get()
    assert response["Location"] == f"/report/files/{report_file.pk}/"
    # Celery runs in-process in the tests: the job ran after the commit.
    report_file.refresh_from_db()
    assert (report_file.status, report_file.progress) == (ReportFile.Status.DONE, 100)
    page = client.get(f"/report/files/{report_file.pk}/", HTTP_HX_REQUEST="true")
    assert "Download the PDF" in page.content.decode()
    download = client.get(f"/report/files/{report_file.pk}/download/")
    text = pdf_text(download.content)
    assert "Our newsletter is loved" in text
    assert SECRET not in text


def test_a_pdf_being_made_shows_its_progress_and_polls(client, member, cycle, team):
    report_file = ReportFile.objects.create(
        requested_by=member,
        cycle=cycle,
        team=team,
        language="en",
        status=ReportFile.Status.RUNNING,
        progress=40,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    content = get(client, member, f"/report/files/{report_file.pk}/").content.decode()
    assert 'value="40"' in content
    assert 'hx-trigger="every 2s"' in content
    assert client.get(f"/report/files/{report_file.pk}/download/").status_code == 302


def test_a_pdf_that_cannot_be_made_is_marked_failed_for_its_reader(
    client, member, cycle, public_objective, monkeypatch, django_capture_on_commit_callbacks
):
    from okrapp.dashboard import pdf

    def broken(html):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(report_rules, "DIRECT_PDF_LIMIT", 0)
    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/report/pdf/")
    report_file = ReportFile.objects.get()
    assert report_file.status == ReportFile.Status.FAILED
    content = client.get(f"/report/files/{report_file.pk}/").content.decode()
    assert "could not be made" in content


def test_a_graded_cycles_report_shows_final_grades_and_the_retrospective(
    client, member, team, lead
):
    from okrapp.core.models import Cycle
    from tests.factories import CycleFactory

    graded = CycleFactory(status=Cycle.Status.GRADING, name="T1 2020")
    objective = ObjectiveFactory(
        cycle=graded,
        team=team,
        owner=lead,
        title="A graded objective",
        score=D(70),
        final_score=D(65),
        went_well="The webinars filled up",
    )
    KeyResultFactory(objective=objective, final_score=D(65))
    content = get(client, member, f"/report/?cycle={graded.pk}").content.decode()
    assert "Final grade" in content
    assert "The webinars filled up" in content


def test_someone_elses_report_pdf_does_not_exist_for_you(client, member, outsider, cycle, team):
    report_file = ReportFile.objects.create(
        requested_by=outsider,
        cycle=cycle,
        team=team,
        language="en",
        status=ReportFile.Status.DONE,
        pdf=b"%PDF-",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    client.force_login(member)
    assert client.get(f"/report/files/{report_file.pk}/").status_code == 404
    assert client.get(f"/report/files/{report_file.pk}/download/").status_code == 404


def test_expired_report_pdfs_are_deleted(cycle, team, member):
    old = ReportFile.objects.create(
        requested_by=member,
        cycle=cycle,
        team=team,
        language="en",
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert report_files_purge() == 1
    assert not ReportFile.objects.filter(pk=old.pk).exists()


def test_the_anonymous_visitor_is_sent_to_sign_in_for_every_new_page(client, cycle):
    for url in ("/attention/", "/report/", "/report/pdf/", "/okrs/export.csv", "/okrs/export.xlsx"):
        assert client.get(url).status_code == 302


# 9. Exports ------------------------------------------------------------------------------------


def test_the_csv_export_follows_french_excel_conventions_and_leaves_private_ones_out(
    client, member, cycle, public_objective, private_objective
):
    member.language = "fr"
    member.save()
    key_result = public_objective.key_results.get()
    key_result.current_value = D("12.5")
    key_result.save()
    response = get(client, member, "/okrs/export.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffCycle;")
    assert "12,5" in text
    assert "Our newsletter is loved" in text
    assert SECRET not in text


def test_the_xlsx_export_is_filtered_like_the_board(
    client, member, cycle, team, other_team, public_objective
):
    ObjectiveFactory(cycle=cycle, team=other_team, title="=HYPERLINK(1)")
    response = get(client, member, f"/okrs/export.xlsx?team={team.pk}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["Our newsletter is loved"]
    everything = load_workbook(io.BytesIO(client.get("/okrs/export.xlsx").content)).active
    formulas = [row[3] for row in everything.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(1)" in formulas  # never a formula


def test_the_xlsx_export_leaves_out_private_objectives_one_may_not_see(
    client, member, cycle, public_objective, private_objective
):
    sheet = load_workbook(io.BytesIO(get(client, member, "/okrs/export.xlsx").content)).active
    cells = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
    assert "Our newsletter is loved" in cells
    assert SECRET not in cells
    assert "Secret key result" not in cells


# 10. Query counts at two sizes ----------------------------------------------------------------


def grow(cycle, company, teams: int) -> None:
    for index in range(teams):
        on = TeamFactory(parent=company)
        person = MembershipFactory(team=on, role=Membership.Role.LEAD).user
        objective = ObjectiveFactory(
            cycle=cycle,
            team=on,
            owner=person,
            score=D(index),
            visibility=Objective.Visibility.PRIVATE if index % 2 else Objective.Visibility.PUBLIC,
        )
        key_result = KeyResultFactory(
            objective=objective, confidence=Confidence.OFF_TRACK, score=D(index)
        )
        CheckInFactory(key_result=key_result, blockers="Blocked" if index % 3 else "")
        kpi = KPIFactory(team=on, owner=person)
        MeasurementFactory(kpi=kpi, value=D(index))


@pytest.mark.parametrize(
    ("url", "budget"), [("/", 30), ("/attention/", 10), ("/report/", 22), ("/report/pdf/", 22)]
)
def test_admin_pages_issue_the_same_number_of_queries_at_two_sizes(
    client, admin, cycle, company, url, budget
):
    client.force_login(admin)
    client.get("/")
    grow(cycle, company, 2)
    small = count_queries(client, url)
    grow(cycle, company, 12)
    large = count_queries(client, url)
    assert large == small
    assert large <= budget, large


# Demo data -----------------------------------------------------------------------------------


def test_the_demo_shows_the_ceo_every_part_of_the_executive_view(client):
    from django.core.management import call_command

    from okrapp.core.models import User
    from okrapp.demo.organisation import demo_email

    call_command("load_demo", verbosity=0)
    context = get(client, User.objects.get(email=demo_email("claire.dubois")), "/").context
    assert [line.kpi.name for line in context["kpis"].alerts if line.status == "red"]
    assert [(line.status_week_ago, line.status) for line in context["kpis"].changed] == [
        ("amber", "red")
    ]
    assert context["changes"].blockers_total
    assert context["attention_total"] > len(context["attention"])
    silent = {person.pk for group in context["silence"].groups for person in group.people}
    assert User.objects.get(email=demo_email("nathan.bertrand")).pk in silent
