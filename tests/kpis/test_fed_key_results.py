"""A key result linked to a KPI is fed by it: My week shows it as fed, with the KPI's latest
value and no value to type; the weekly reminder leaves it out; a comment may still be added."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from checkins.models import CheckIn
from checkins.services import reminders_send
from kpis import services
from kpis.models import KPI
from objectives.models import Objective
from okrapp.core.permissions import viewer_for
from tests.factories import KeyResultFactory, KPIFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db
MY_WEEK = reverse("checkins:my_week")
LAST_MONTH = timezone.localdate() - datetime.timedelta(days=3)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


@pytest.fixture
def objective(cycle, team, member):
    return ObjectiveFactory(cycle=cycle, team=team, owner=member, visibility="public")


@pytest.fixture
def kpi(team, member):
    kpi = KPIFactory(team=team, owner=member, name="Trial sign-ups", unit="")
    services.measurements_record(
        viewer=viewer_for(member),
        kpi=kpi,
        items=[{"period_date": LAST_MONTH, "value": Decimal(30)}],
        recorded_by=member,
    )
    return kpi


@pytest.fixture
def fed(objective, member, kpi):
    """Linked, then fed by the KPI's next period (the bridge's check-in)."""
    key_result = KeyResultFactory(
        objective=objective, owner=member, kpi=kpi, title="Reach 80 sign-ups"
    )
    services.measurements_record(
        viewer=viewer_for(member),
        kpi=kpi,
        items=[{"period_date": timezone.localdate(), "value": Decimal(42)}],
        recorded_by=member,
    )
    return key_result


@pytest.fixture
def typed(objective, member):
    return KeyResultFactory(objective=objective, owner=member, title="Publish 12 case studies")


def row_html(html, key_result):
    start = html.index(f'id="checkin-row-{key_result.pk}"')
    return html[start : html.index("</li>", start)]


def test_my_week_shows_a_fed_key_result_with_the_kpis_latest_value_and_nothing_to_type(
    client, member, fed, typed
):
    client.force_login(member)
    html = client.get(MY_WEEK).content.decode()
    fed_row, typed_row = row_html(html, fed), row_html(html, typed)
    assert "Fed automatically" in fed_row and "Trial sign-ups" in fed_row
    assert "Latest value 42" in fed_row
    assert f'type="hidden" name="kr{fed.pk}-value"' in fed_row
    assert f'type="text" name="kr{fed.pk}-value"' not in fed_row
    assert "Fed automatically" not in typed_row
    assert (
        f'name="kr{typed.pk}-value"' in typed_row
        and "hidden" not in typed_row.split(f'name="kr{typed.pk}-value"')[0].rsplit("<input", 1)[1]
    )


def test_the_owner_of_a_fed_key_result_may_still_add_a_comment_and_a_confidence(
    client, member, fed
):
    client.force_login(member)
    html = client.get(MY_WEEK).content.decode()
    value = row_html(html, fed).split(f'name="kr{fed.pk}-value" value="')[1].split('"')[0]
    response = client.post(
        reverse("checkins:checkin_create", args=[fed.pk]),
        {
            f"kr{fed.pk}-value": value,
            f"kr{fed.pk}-confidence": "at_risk",
            f"kr{fed.pk}-comment": "The trial page is slow",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    latest = CheckIn.objects.filter(key_result=fed).latest("created_at")
    assert (latest.value, latest.confidence) == (Decimal(42), "at_risk")
    assert latest.comment == "The trial page is slow"
    assert "Fed automatically" in response.content.decode()


def test_a_fed_key_result_leaves_the_weekly_reminder(member, fed, typed):
    CheckIn.objects.all().delete()
    reminders_send()
    (message,) = [m for m in mail.outbox if m.to == [member.email]]
    assert typed.title in message.body
    assert fed.title not in message.body


def test_a_person_whose_key_results_are_all_fed_gets_no_reminder(member, fed):
    CheckIn.objects.all().delete()
    KPI.objects.update(frequency=KPI.Frequency.YEARLY)  # not stale: no KPI topic either
    reminders_send()
    assert not [m for m in mail.outbox if m.to == [member.email]]


def test_the_fed_note_names_no_private_kpi_to_who_may_not_see_it(
    client, cycle, other_team, outsider, lead, team
):
    private_kpi = KPIFactory(team=team, owner=lead, name="Secret margin", visibility="private")
    objective = ObjectiveFactory(
        cycle=cycle, team=other_team, owner=outsider, visibility=Objective.Visibility.PUBLIC
    )
    key_result = KeyResultFactory(objective=objective, owner=outsider, kpi=private_kpi)
    client.force_login(outsider)
    row = row_html(client.get(MY_WEEK).content.decode(), key_result)
    assert "Fed automatically" in row and "Its value comes from a KPI" in row
    assert "Secret margin" not in row


@pytest.mark.parametrize("size", [3, 30])
def test_my_week_with_fed_key_results_runs_a_bounded_number_of_queries(
    client, member, objective, team, django_assert_max_num_queries, size
):
    for _ in range(size):
        KeyResultFactory(objective=objective, owner=member, kpi=KPIFactory(team=team, owner=member))
    client.force_login(member)
    with django_assert_max_num_queries(11):
        response = client.get(MY_WEEK)
    assert response.content.decode().count("Fed automatically") == size


def test_a_comment_on_a_fed_key_result_keeps_the_value_the_kpi_brought_since_the_page_loaded(
    client, member, fed, kpi
):
    client.force_login(member)
    stale = (
        row_html(client.get(MY_WEEK).content.decode(), fed)
        .split(f'name="kr{fed.pk}-value" value="')[1]
        .split('"')[0]
    )
    services.measurements_record(
        viewer=viewer_for(member),
        kpi=kpi,
        items=[{"period_date": timezone.localdate() + datetime.timedelta(days=1), "value": 50}],
        recorded_by=member,
    )
    client.post(
        reverse("checkins:checkin_create", args=[fed.pk]),
        {
            f"kr{fed.pk}-value": stale,
            f"kr{fed.pk}-confidence": "on_track",
            f"kr{fed.pk}-comment": "Nice",
        },
        HTTP_HX_REQUEST="true",
    )
    fed.refresh_from_db()
    assert fed.current_value == Decimal(50)
    assert CheckIn.objects.filter(key_result=fed).latest("created_at").value == Decimal(50)


@pytest.mark.django_db(transaction=True)
def test_a_kept_and_drawn_check_in_names_a_private_kpi_only_to_who_may_see_it(
    client, cycle, other_team, outsider, lead, team
):
    """The key result page keeps its check-ins until the next write (okrapp.core.freshness)
    and draws them once per content (okrapp.core.drawings): each viewer's note goes on a copy
    of their own and among the drawing's values, so one viewer's page is not another's."""
    private_kpi = KPIFactory(team=team, owner=lead, name="Secret margin", visibility="private")
    objective = ObjectiveFactory(
        cycle=cycle, team=other_team, owner=outsider, visibility=Objective.Visibility.PUBLIC
    )
    key_result = KeyResultFactory(objective=objective, owner=outsider, kpi=private_kpi)
    services.measurements_record(
        viewer=viewer_for(lead),
        kpi=private_kpi,
        items=[{"period_date": timezone.localdate(), "value": Decimal(42)}],
        recorded_by=lead,
    )
    url = reverse("checkins:key_result", args=[key_result.pk])
    client.force_login(lead)
    assert "Secret margin" in client.get(url).content.decode()
    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert "Recorded from a KPI" in page and "Secret margin" not in page
