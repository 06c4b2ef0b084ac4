"""Property: whatever a person (or a script) types into any field of any form of the product,
the answer is never a server error. Each page is fetched, its forms are read from the HTML,
and hypothesis posts random values — long texts, control characters, NaN, sNaN, infinities,
huge and French numbers, stale ids — in every field."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kpis.models import KPI
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    MeasurementFactory,
    ObjectiveFactory,
)

pytestmark = pytest.mark.django_db

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1e30",
    "NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "0,5",
    "1 234,5",
    "99999999999999999999",
    "x" * 6000,
    "\x00",
    "\u202e",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "2026-02-31",
    "31/12/2026",
    "999999999",
    "-5",
    "true",
    "on",
]
SHELL_ACTIONS = {"/accounts/logout/", "/language/"}
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=50),
    st.integers().map(str),
)


class FormReader(HTMLParser):
    """The POST forms of a page: action and the fields with their current values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif (
            self._form is not None and tag in {"input", "textarea", "select"} and attrs.get("name")
        ):
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                self._form["fields"].setdefault(attrs["name"], None)
                return
            self._form["fields"][attrs["name"]] = attrs.get("value", "")
            self._select = attrs["name"] if tag == "select" else None
        elif tag == "option" and self._select and "selected" in attrs and self._form is not None:
            self._form["fields"][self._select] = attrs.get("value", "")

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@pytest.fixture
def pages(cycle, team, lead, member):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead, level="team")
    key_result = KeyResultFactory(objective=objective, owner=member, target_value=200)
    checkin = CheckInFactory(key_result=key_result, author=lead)
    kpi = KPIFactory(team=team, owner=lead, visibility=KPI.Visibility.PUBLIC)
    MeasurementFactory(kpi=kpi)
    return [
        reverse("objectives:create") + f"?cycle={cycle.pk}",
        reverse("objectives:edit", args=[objective.pk]),
        reverse("objectives:detail", args=[objective.pk]),
        reverse("checkins:my_week"),
        reverse("checkins:key_result", args=[key_result.pk]),
        reverse("checkins:checkin_edit", args=[checkin.pk]),
        reverse("kpis:create"),
        reverse("kpis:edit", args=[kpi.pk]),
        reverse("kpis:detail", args=[kpi.pk]),
        reverse("kpis:import", args=[kpi.pk]),
        reverse("kpis:to_key_result", args=[kpi.pk]),
        reverse("kpis:from_key_result", args=[key_result.pk]),
        reverse("profile"),
    ]


def _forms(client, url: str) -> list[dict]:
    response = client.get(url)
    if response.status_code != 200:
        return []  # a form of an earlier example deleted what this page shows
    reader = FormReader()
    reader.feed(response.content.decode())
    forms = [form | {"action": form["action"] or url} for form in reader.forms]
    # Every page's header signs out and switches language: not forms of this page.
    return [form for form in forms if form["action"] not in SHELL_ACTIONS]


@settings(
    max_examples=6,
    deadline=None,
    # Each example posts every form of the product: shrinking would take minutes, and the
    # failure message already names the form and the values.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_value_in_any_form_field_gives_a_server_error(client, lead, pages, data):
    client.force_login(lead)
    failures = []
    for url in pages:
        for form in _forms(client, url):
            posted = {
                name: data.draw(st.one_of(st.just(value or ""), VALUES), label=f"{url} {name}")
                for name, value in form["fields"].items()
                if name != "csrfmiddlewaretoken"
            }
            response = client.post(form["action"], posted)
            assert response.status_code < 500, (form["action"], posted)
            if response.status_code == 200 and "errorlist" in response.content.decode():
                failures.append(form["action"])
    assert failures == [], f"answered 200 with errors: {sorted(set(failures))}"
