"""The KPI pages: board, KPI page, forms, import, and the two bridge pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from checkins.models import CheckIn
from kpis import selectors
from kpis.badges import key_result_kpi_badges
from kpis.models import KPI, Measurement
from kpis.selectors import linked_kpi
from objectives.models import KeyResult, Objective
from okrapp.core.permissions import viewer_for
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    MeasurementFactory,
    ObjectiveFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = timezone.localdate()


def kpis_with_history(count, *, team, owner, months=14):
    kpis = KPIFactory.create_batch(count, team=team, owner=owner)
    Measurement.objects.bulk_create(
        Measurement(kpi=kpi, period_date=TODAY - datetime.timedelta(days=30 * n), value=n)
        for kpi in kpis
        for n in range(months)
    )
    return kpis


# Board --------------------------------------------------------------------------------------


def test_board_shows_each_kpi_with_its_latest_value_status_and_sparkline(client, member, team):
    kpi = KPIFactory(team=team, owner=member, name="Open rate", target_value=Decimal(50))
    MeasurementFactory(kpi=kpi, period_date=TODAY - datetime.timedelta(days=40), value=30)
    MeasurementFactory(kpi=kpi, period_date=TODAY, value=Decimal("52.5"))
    client.force_login(member)
    html = client.get(reverse("kpis:board")).content.decode()
    assert "Open rate" in html
    assert "52.5\u00a0%" in html
    assert 'data-status="green"' in html
    assert "<polyline" in html


@pytest.mark.parametrize("size", [5, 45])
def test_board_query_count_does_not_grow_with_the_kpis(
    client, member, team, size, django_assert_max_num_queries
):
    kpis_with_history(size, team=team, owner=member)
    client.force_login(member)
    client.get(reverse("kpis:board"))  # warm the session and the cycle cache
    with django_assert_max_num_queries(10):
        response = client.get(reverse("kpis:board"))
    assert response.content.decode().count('class="card kpi-card') == size


def test_each_card_says_its_target_and_alert_threshold_in_words(client, member, team):
    KPIFactory(team=team, owner=member, name="Open rate", alert_threshold=Decimal(40))
    KPIFactory(
        team=team,
        owner=member,
        name="Wait",
        unit="<i>min</i>",
        direction=KPI.Direction.LOWER_IS_BETTER,
        target_value=Decimal(5),
    )
    client.force_login(member)
    html = client.get(reverse("kpis:board")).content.decode()
    assert "Target ≥ 50\u00a0% · alert below 40\u00a0%</p>" in html
    assert "Target ≤ 5\u00a0&lt;i&gt;min&lt;/i&gt;</p>" in html


def test_the_board_is_paged_and_says_how_many_kpis_match(client, member, team):
    kpis_with_history(selectors.BOARD_PER_PAGE + 2, team=team, owner=member, months=2)
    client.force_login(member)
    first = client.get(reverse("kpis:board")).content.decode()
    second = client.get(reverse("kpis:board"), {"page": 2}).content.decode()
    assert first.count('class="card kpi-card') == selectors.BOARD_PER_PAGE
    assert second.count('class="card kpi-card') == 2
    assert f"{selectors.BOARD_PER_PAGE + 2} KPIs" in first and 'rel="next"' in first


def test_the_status_filter_counts_every_page_not_only_the_shown_one(client, member, team):
    for number in range(selectors.BOARD_PER_PAGE + 1):
        kpi = KPIFactory(team=team, owner=member, name=f"Red {number:03}")
        MeasurementFactory(kpi=kpi, value=Decimal(10))
    green = KPIFactory(team=team, owner=member, name="AAA green")
    MeasurementFactory(kpi=green, value=Decimal(60))
    client.force_login(member)
    html = client.get(reverse("kpis:board"), {"status": "red", "page": 2}).content.decode()
    assert html.count('data-status="red"') == 1 and "AAA green" not in html


def test_board_filters_by_status_and_team_in_the_url(client, member, team, other_team):
    green = KPIFactory(team=team, owner=member, name="Green one")
    MeasurementFactory(kpi=green, value=Decimal(60))
    red = KPIFactory(team=other_team, owner=member, name="Red one")
    MeasurementFactory(kpi=red, value=Decimal(10))
    client.force_login(member)
    html = client.get(reverse("kpis:board"), {"status": "red"}).content.decode()
    assert "Red one" in html and "Green one" not in html
    html = client.get(reverse("kpis:board"), {"team": team.pk}).content.decode()
    assert "Green one" in html and "Red one" not in html


def test_board_filter_answers_htmx_with_the_cards_only(client, member, team):
    KPIFactory(team=team, owner=member, name="Open rate")
    client.force_login(member)
    html = client.get(reverse("kpis:board"), {"status": "none"}, **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="kpi-board">')
    assert "<html" not in html


def test_board_exports_csv_with_the_filters(client, member, team):
    kpi = KPIFactory(team=team, owner=member, name="Open rate")
    MeasurementFactory(kpi=kpi, period_date=datetime.date(2026, 1, 31), value=Decimal("45.5"))
    KPIFactory(team=team, owner=member, name="Unmeasured")
    client.force_login(member)
    response = client.get(reverse("kpis:board_export"), {"status": "stale"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("name,team,owner")
    assert len(lines) == 2 and lines[1].startswith("Open rate,Marketing,")
    assert "2026-01-31,45.5,stale" in lines[1]


def test_filtering_the_board_in_place_also_filters_its_export_link(client, member, team):
    KPIFactory(team=team, owner=member)
    client.force_login(member)
    html = client.get(reverse("kpis:board"), {"team": team.pk, "status": "red"}, **HTMX)
    html = html.content.decode()
    assert 'id="kpi-board-export" hx-swap-oob="true"' in html
    assert f"{reverse('kpis:board_export')}?team={team.pk}&amp;status=red" in html


def test_exports_open_in_columns_in_a_french_spreadsheet(client, member, team):
    member.language = "fr"
    member.save()
    kpi = KPIFactory(team=team, owner=member, name="Taux d'ouverture", target_value=Decimal(50))
    MeasurementFactory(
        kpi=kpi, period_date=datetime.date(2026, 1, 31), value=Decimal("45.5"), note="été; hiver"
    )
    client.force_login(member)
    response = client.get(reverse("kpis:export", args=[kpi.pk]))
    assert response.content.startswith("\ufeff".encode())  # Excel then reads UTF-8
    assert response.content.decode("utf-8-sig") == 'date;value;note\n2026-01-31;45,5;"été; hiver"\n'
    board = client.get(reverse("kpis:board_export")).content.decode("utf-8-sig").splitlines()
    assert board[0].startswith("name;team;owner")
    assert board[1].startswith("Taux d'ouverture;Marketing;") and ";2026-01-31;45,5;" in board[1]


def test_a_french_export_imports_back_unchanged(client, member, team):
    member.language = "fr"
    member.save()
    kpi = KPIFactory(team=team, owner=member)
    MeasurementFactory(kpi=kpi, period_date=datetime.date(2026, 1, 31), value=Decimal("1234.5"))
    client.force_login(member)
    text = client.get(reverse("kpis:export", args=[kpi.pk])).content.decode("utf-8-sig")
    preview = selectors.import_preview(kpi=kpi, text=text)
    assert preview.counts == {"created": 0, "updated": 0, "unchanged": 1, "errors": 0}


# KPI page -----------------------------------------------------------------------------------


def test_kpi_page_shows_definition_chart_and_measurements(client, member, team):
    kpi = KPIFactory(team=team, owner=member, alert_threshold=Decimal(40))
    MeasurementFactory(kpi=kpi, value=Decimal(45))
    client.force_login(member)
    html = client.get(reverse("kpis:detail", args=[kpi.pk])).content.decode()
    assert html.index("Unique opens divided") < html.index('data-chart="kpi-chart-data"')
    assert '"Alert threshold"' in html and '"fill": "-1"' in html
    assert 'data-kpi-status="amber"' in html


@pytest.mark.parametrize("size", [5, 50])
def test_kpi_page_query_count_does_not_grow_with_measurements(
    client, member, team, size, django_assert_max_num_queries
):
    kpi = kpis_with_history(1, team=team, owner=member, months=size)[0]
    KeyResultFactory.create_batch(3, kpi=kpi)
    client.force_login(member)
    client.get(reverse("kpis:detail", args=[kpi.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("kpis:detail", args=[kpi.pk]))


@pytest.mark.django_db(transaction=True)
def test_the_kpi_page_read_for_one_who_may_see_a_private_objective_hides_its_key_result_from_others(
    client, lead, outsider, team, cycle
):
    kpi = KPIFactory(team=team, owner=lead)
    MeasurementFactory(kpi=kpi, value=Decimal(45))
    private = ObjectiveFactory(
        cycle=cycle, team=team, title="Quiet plan", visibility=Objective.Visibility.PRIVATE
    )
    KeyResultFactory(objective=private, title="Secret launch", kpi=kpi)
    KeyResultFactory(
        objective=ObjectiveFactory(cycle=cycle, team=team), title="Open launch", kpi=kpi
    )
    url = reverse("kpis:detail", args=[kpi.pk])
    client.force_login(lead)
    assert "Secret launch" in client.get(url).content.decode()
    client.force_login(outsider)
    html = client.get(url).content.decode()
    assert "Open launch" in html
    assert "Secret launch" not in html and "Quiet plan" not in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [5, 50])
def test_kpi_page_seen_again_reads_its_measurements_and_key_results_as_kept(
    client, member, team, size, django_assert_max_num_queries
):
    """Seen again before any write, the page reads the KPI's measurements and linked key
    results as kept (okrapp.core.freshness): 6 queries with the session's and the KPI's,
    whatever the history."""
    kpi = kpis_with_history(1, team=team, owner=member, months=size)[0]
    KeyResultFactory.create_batch(3, kpi=kpi)
    client.force_login(member)
    first = client.get(reverse("kpis:detail", args=[kpi.pk]))
    with django_assert_max_num_queries(6):
        again = client.get(reverse("kpis:detail", args=[kpi.pk]))
    assert len(again.context["key_results"]) == 3
    assert len(again.context["measurements"]) == len(first.context["measurements"])


@pytest.mark.django_db(transaction=True)
def test_the_kpi_chart_kept_for_one_reader_speaks_the_next_readers_language(
    client, member, lead, team
):
    kpi = KPIFactory(team=team, owner=lead)
    MeasurementFactory(kpi=kpi, value=Decimal(45))
    lead.language = "fr"
    lead.save(update_fields=["language"])
    url = reverse("kpis:detail", args=[kpi.pk])
    client.force_login(member)
    assert client.get(url).context["chart"]["datasets"][1]["label"] == "Target"
    client.force_login(lead)
    assert client.get(url).context["chart"]["datasets"][1]["label"] == "Cible"


def test_a_long_history_shows_its_latest_rows_and_counts_the_older_ones(client, member, team):
    kpi = KPIFactory(team=team, owner=member, frequency=KPI.Frequency.DAILY)
    total = selectors.CHART_POINTS + 40
    Measurement.objects.bulk_create(
        Measurement(kpi=kpi, period_date=TODAY - datetime.timedelta(days=n), value=n)
        for n in range(total)
    )
    client.force_login(member)
    page = client.get(reverse("kpis:detail", args=[kpi.pk]))
    assert len(page.context["measurements"]) == selectors.TABLE_ROWS
    assert f"Show {total - selectors.TABLE_ROWS} older measurements" in page.content.decode()
    assert len(page.context["history"]) == selectors.CHART_POINTS
    every = client.get(reverse("kpis:detail", args=[kpi.pk]), {"all": "1"})
    assert len(every.context["measurements"]) == total
    assert "older measurements" not in every.content.decode()


def test_recording_a_measurement_in_place_returns_the_updated_section(client, member, team):
    kpi = KPIFactory(team=team, owner=member, target_value=Decimal(50))
    client.force_login(member)
    response = client.post(
        reverse("kpis:measurement_add", args=[kpi.pk]),
        {"period_date": TODAY.isoformat(), "value": "1 234,5", "note": "record"},
        **HTMX,
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="kpi-data"')
    assert "1,234.5" in html and 'data-kpi-status="green"' in html
    assert Measurement.objects.get().value == Decimal("1234.5")


def test_recording_a_measurement_in_place_refreshes_the_linked_key_result_score(
    client, lead, team, cycle
):
    kpi = KPIFactory(team=team, owner=lead, target_value=Decimal(100))
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    KeyResultFactory(objective=objective, title="Follows the KPI", kpi=kpi, target_value=100)
    client.force_login(lead)
    response = client.post(
        reverse("kpis:measurement_add", args=[kpi.pk]),
        {"period_date": TODAY.isoformat(), "value": "40"},
        **HTMX,
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="kpi-data"')
    assert "Follows the KPI" in html
    assert KeyResult.objects.get().score == Decimal(40)
    assert '<rect x="0" y="0" width="40"' in html


def test_recording_the_same_period_again_updates_it(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    client.force_login(member)
    url = reverse("kpis:measurement_add", args=[kpi.pk])
    client.post(url, {"period_date": "2026-01-31", "value": "10"})
    client.post(url, {"period_date": "2026-01-31", "value": "11"})
    assert list(Measurement.objects.values_list("value", flat=True)) == [Decimal(11)]


def test_a_bad_measurement_shows_errors_beside_the_fields(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    client.force_login(member)
    response = client.post(
        reverse("kpis:measurement_add", args=[kpi.pk]),
        {"period_date": "", "value": "beaucoup"},
        **HTMX,
    )
    html = response.content.decode()
    assert 'id="id_value_error"' in html and "is not a number" in html
    assert 'id="id_period_date_error"' in html
    assert not Measurement.objects.exists()


def test_editing_a_measurement_in_place(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    measurement = MeasurementFactory(kpi=kpi, period_date=datetime.date(2026, 1, 31), value=10)
    client.force_login(member)
    url = reverse("kpis:measurement_edit", args=[kpi.pk, measurement.pk])
    form_html = client.get(url, **HTMX).content.decode()
    assert 'name="edit-value"' in form_html and 'class="editing"' in form_html
    response = client.post(
        url, {"edit-period_date": "2026-01-30", "edit-value": "12,25", "edit-note": "fixed"}, **HTMX
    )
    assert response.status_code == 200
    measurement.refresh_from_db()
    assert (measurement.period_date, measurement.value, measurement.note) == (
        datetime.date(2026, 1, 30),
        Decimal("12.25"),
        "fixed",
    )


def test_editing_a_measurement_onto_a_measured_period_is_refused(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    MeasurementFactory(kpi=kpi, period_date=datetime.date(2026, 2, 28), value=10)
    measurement = MeasurementFactory(kpi=kpi, period_date=datetime.date(2026, 1, 31), value=10)
    client.force_login(member)
    url = reverse("kpis:measurement_edit", args=[kpi.pk, measurement.pk])
    html = client.post(
        url, {"edit-period_date": "2026-02-28", "edit-value": "3"}, **HTMX
    ).content.decode()
    assert "already a measurement for this period date" in html
    measurement.refresh_from_db()
    assert measurement.period_date == datetime.date(2026, 1, 31)


def test_editing_without_javascript_has_its_own_page(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    measurement = MeasurementFactory(kpi=kpi)
    client.force_login(member)
    url = reverse("kpis:measurement_edit", args=[kpi.pk, measurement.pk])
    assert "<html" in client.get(url).content.decode()


def test_deleting_a_measurement_in_place(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    measurement = MeasurementFactory(kpi=kpi)
    client.force_login(member)
    url = reverse("kpis:measurement_delete", args=[kpi.pk, measurement.pk])
    assert client.get(url).status_code == 405
    html = client.post(url, **HTMX).content.decode()
    assert "No measurement yet" in html
    assert not Measurement.objects.exists()


def test_measurement_export_is_a_csv_that_imports_back(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    MeasurementFactory(kpi=kpi, period_date=datetime.date(2026, 1, 31), value=Decimal("12.5"))
    client.force_login(member)
    response = client.get(reverse("kpis:export", args=[kpi.pk]))
    assert response.content.decode("utf-8-sig") == "date,value,note\n2026-01-31,12.5,\n"


# Create and edit ----------------------------------------------------------------------------


def kpi_data(team, owner, **overrides):
    return {
        "name": "Bounce rate",
        "definition": "Single-page sessions / sessions",
        "unit": "%",
        "direction": "lower_is_better",
        "target_value": "40",
        "alert_threshold": "48,5",
        "data_source": "Web analytics",
        "frequency": "monthly",
        "team": team.pk,
        "owner": owner.pk,
        "visibility": "public",
        **overrides,
    }


def test_member_creates_a_kpi_for_their_team(client, member, team):
    client.force_login(member)
    response = client.post(reverse("kpis:create"), kpi_data(team, member))
    kpi = KPI.objects.get()
    assert response["Location"] == reverse("kpis:detail", args=[kpi.pk])
    assert (kpi.alert_threshold, kpi.direction) == (Decimal("48.5"), "lower_is_better")


def test_kpi_form_shows_errors_beside_the_fields(client, member, team):
    client.force_login(member)
    response = client.post(
        reverse("kpis:create"),
        kpi_data(team, member, definition="", alert_threshold="30", target_value="x"),
    )
    html = response.content.decode()
    assert 'id="id_definition_error"' in html
    assert 'id="id_target_value_error"' in html
    assert not KPI.objects.exists()


def test_an_alert_threshold_on_the_wrong_side_is_refused_beside_its_field(client, member, team):
    client.force_login(member)
    response = client.post(reverse("kpis:create"), kpi_data(team, member, alert_threshold="30"))
    html = response.content.decode()
    assert 'id="id_alert_threshold_error"' in html
    assert "alert threshold must be above the target" in html


def test_owner_edits_a_kpi(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    client.force_login(member)
    response = client.post(
        reverse("kpis:edit", args=[kpi.pk]), kpi_data(team, member, name="Renamed")
    )
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert kpi.name == "Renamed"


def test_owner_deletes_a_kpi(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    client.force_login(member)
    assert client.post(reverse("kpis:delete", args=[kpi.pk])).status_code == 302
    assert not KPI.objects.exists()


# Import pages -------------------------------------------------------------------------------


def test_import_preview_then_confirm(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    client.force_login(member)
    text = "Date;Valeur\n31/01/2026;45,5\n28/02/2026;51\n"
    preview = client.post(reverse("kpis:import", args=[kpi.pk]), {"text": text}, **HTMX)
    html = preview.content.decode()
    assert html.lstrip().startswith('<div id="kpi-import">')
    assert "New: 2 · updated: 0 · unchanged: 0" in html and "Import 2 rows" in html
    assert not Measurement.objects.exists()
    response = client.post(reverse("kpis:import_confirm", args=[kpi.pk]), {"csv": text}, **HTMX)
    assert response["HX-Redirect"] == reverse("kpis:detail", args=[kpi.pk])
    assert Measurement.objects.count() == 2


def test_import_accepts_an_uploaded_windows_file(client, member, team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    kpi = KPIFactory(team=team, owner=member)
    client.force_login(member)
    upload = SimpleUploadedFile("export.csv", "31/01/2026;12,5;été\r\n".encode("cp1252"))
    html = client.post(reverse("kpis:import", args=[kpi.pk]), {"file": upload}).content.decode()
    assert "New: 1" in html and "été" in html


def test_import_of_a_binary_file_shows_errors_instead_of_failing(client, member, team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    kpi = KPIFactory(team=team, owner=member)
    client.force_login(member)
    upload = SimpleUploadedFile("photo.csv", bytes(range(256)) * 10)
    response = client.post(reverse("kpis:import", args=[kpi.pk]), {"file": upload})
    assert response.status_code == 200
    assert "with errors" in response.content.decode()
    assert not Measurement.objects.exists()


def test_import_preview_shows_bad_rows_and_offers_no_confirm(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    client.force_login(member)
    text = "2026-01-31;12\n2026-02-31;13\n"
    html = client.post(reverse("kpis:import", args=[kpi.pk]), {"text": text}).content.decode()
    assert "is not a date" in html and "1 row with errors" in html
    assert "import_confirm" not in html and "/import/confirm/" not in html


def test_confirming_a_file_with_bad_rows_imports_nothing(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    client.force_login(member)
    response = client.post(
        reverse("kpis:import_confirm", args=[kpi.pk]), {"csv": "2026-01-31;12\nx;y\n"}
    )
    assert "Nothing was imported" in response.content.decode()
    assert not Measurement.objects.exists()


# The bridge pages ---------------------------------------------------------------------------


def test_turn_a_kpi_into_a_key_result_of_the_active_cycle(client, lead, team, cycle):
    kpi = KPIFactory(team=team, owner=lead, target_value=Decimal(50))
    MeasurementFactory(kpi=kpi, value=Decimal(31))
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    client.force_login(lead)
    url = reverse("kpis:to_key_result", args=[kpi.pk])
    page = client.get(url).content.decode()
    assert 'value="31"' in page and 'value="50"' in page
    response = client.post(
        url,
        {
            "destination": "existing",
            "objective": objective.pk,
            "title": "Open rate back to 50 %",
            "start_value": "31",
            "target_value": "55",
        },
    )
    assert response.status_code == 302
    key_result = KeyResult.objects.get()
    assert (key_result.objective, linked_kpi(key_result), key_result.target_value) == (
        objective,
        kpi,
        Decimal(55),
    )
    html = client.get(reverse("kpis:detail", args=[kpi.pk])).content.decode()
    assert "Open rate back to 50 %" in html


def test_turn_a_kpi_into_a_key_result_of_a_new_objective(client, lead, team, cycle):
    kpi = KPIFactory(team=team, owner=lead, target_value=Decimal(50))
    client.force_login(lead)
    response = client.post(
        reverse("kpis:to_key_result", args=[kpi.pk]),
        {
            "destination": "new",
            "objective": "",
            "new_objective_title": "Our newsletter is awaited",
            "title": "Open rate at 50 %",
            "start_value": "30",
            "target_value": "50",
        },
    )
    assert response.status_code == 302
    assert KeyResult.objects.get().objective.title == "Our newsletter is awaited"


def test_turn_a_kpi_into_a_key_result_needs_an_objective(client, lead, team, cycle):
    kpi = KPIFactory(team=team, owner=lead)
    client.force_login(lead)
    response = client.post(
        reverse("kpis:to_key_result", args=[kpi.pk]),
        {
            "destination": "new",
            "objective": "",
            "title": "x",
            "start_value": "30",
            "target_value": "30",
        },
    )
    html = response.content.decode()
    assert 'id="id_new_objective_title_error"' in html
    assert 'id="id_target_value_error"' in html


def test_turn_a_key_result_into_a_kpi(client, lead, team, cycle):
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(cycle=cycle, team=team, owner=lead),
        owner=lead,
        title="500 webinar sign-ups",
        start_value=Decimal(0),
        target_value=Decimal(500),
    )
    CheckInFactory(key_result=key_result, value=Decimal(120))
    client.force_login(lead)
    url = reverse("kpis:from_key_result", args=[key_result.pk])
    page = client.get(url).content.decode()
    assert 'value="500 webinar sign-ups"' in page
    data = kpi_data(team, lead, name="500 webinar sign-ups", direction="higher_is_better")
    data.update(target_value="500", alert_threshold="", frequency="weekly")
    response = client.post(url, data)
    kpi = KPI.objects.get()
    assert response["Location"] == reverse("kpis:detail", args=[kpi.pk])
    assert list(kpi.measurements.values_list("value", flat=True)) == [Decimal(120)]
    key_result.refresh_from_db()
    assert linked_kpi(key_result) == kpi
    assert CheckIn.objects.count() == 1


def test_a_linked_key_result_goes_to_its_kpi(client, lead, team, cycle):
    kpi = KPIFactory(team=team, owner=lead)
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(cycle=cycle, team=team, owner=lead), kpi=kpi
    )
    client.force_login(lead)
    response = client.get(reverse("kpis:from_key_result", args=[key_result.pk]))
    assert response["Location"] == reverse("kpis:detail", args=[kpi.pk])


def test_the_key_result_side_shows_its_kpi_to_everyone(team, lead, outsider, cycle):
    kpi = KPIFactory(team=team, owner=lead, name="Open rate")
    linked = KeyResultFactory(kpi=kpi, objective=ObjectiveFactory(cycle=cycle, team=team))
    html = key_result_kpi_badges(viewer_for(outsider), [linked])[linked.pk]
    assert reverse("kpis:detail", args=[kpi.pk]) in html and "Open rate" in html


def test_the_way_to_a_kpi_shows_only_to_those_who_may_take_it(team, lead, outsider, cycle):
    unlinked = KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, team=team, owner=lead))
    for person, shown in ((lead, True), (outsider, False)):
        html = key_result_kpi_badges(viewer_for(person), [unlinked]).get(unlinked.pk, "")
        assert (reverse("kpis:from_key_result", args=[unlinked.pk]) in html) is shown, person


def test_board_in_french(client, member, team):
    member.language = "fr"
    member.save()
    kpi = KPIFactory(team=team, owner=member)
    MeasurementFactory(kpi=kpi, value=Decimal("1234.5"))
    client.force_login(member)
    html = client.get(reverse("kpis:board")).content.decode()
    assert "Exporter en CSV" in html
    assert "1\u00a0234,5" in html or "1 234,5" in html
