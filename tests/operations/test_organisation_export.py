"""export_organisation then import_organisation into an empty instance gives back the demo
organisation exactly (compared row by row without ids, references followed); the import
refuses an instance that holds data, another format, and a file whose references are broken,
and then leaves nothing behind."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import models

from checkins.models import CheckIn, Notification, Reminder
from kpis.models import KPI, KeyResultLink, Measurement, MeasurementCheckIn
from kpis.services import measurements_record
from objectives.models import Initiative, KeyResult, Objective, ScoreSnapshot
from okrapp.core.models import Cycle, Membership, PersonalAccessToken, Team, User
from okrapp.core.permissions import viewer_for
from okrapp.core.services import token_create
from okrapp.demo.organisation import DEMO_PASSWORD, demo_email

pytestmark = pytest.mark.django_db

EXPORTED = [
    User,
    Team,
    Membership,
    Cycle,
    Objective,
    KeyResult,
    Initiative,
    CheckIn,
    KPI,
    Measurement,
    KeyResultLink,
    MeasurementCheckIn,
    ScoreSnapshot,
    Reminder,
]


def normalised() -> dict[str, list[str]]:
    """Every exported row as its values, a reference replaced by the referenced row's own
    values (recursively), ids and the team's path of ids left out; sorted, so two instances
    holding the same organisation under other ids compare equal."""
    rows = {model: {obj.pk: obj for obj in model._base_manager.all()} for model in EXPORTED}
    cache: dict[tuple, tuple] = {}

    def key(model: type[models.Model], pk) -> tuple:
        if (model, pk) not in cache:
            obj, values = rows[model][pk], []
            for field in model._meta.concrete_fields:
                if (field.primary_key and not field.is_relation) or field.name == "path":
                    continue
                raw = getattr(obj, field.attname)
                if field.is_relation:
                    target = field.related_model
                    values.append((field.name, None if raw is None else key(target, raw)))
                else:
                    values.append((field.name, repr(raw)))
            cache[(model, pk)] = tuple(values)
        return cache[(model, pk)]

    return {
        model._meta.label: sorted(repr(key(model, pk)) for pk in rows[model]) for model in EXPORTED
    }


def empty_the_instance() -> None:
    """Delete every row the export carries, children first; ids are not reused after."""
    for model in [
        MeasurementCheckIn,
        KeyResultLink,
        Measurement,
        KPI,
        CheckIn,
        Initiative,
        KeyResult,
        Objective,
        ScoreSnapshot,
        Reminder,
        Notification,
        Cycle,
        Membership,
    ]:
        model._base_manager.all().delete()
    for depth in sorted(set(Team.objects.values_list("depth", flat=True)), reverse=True):
        Team.objects.filter(depth=depth).delete()
    User.objects.all().delete()


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())
    # What the demo lacks: a check-in recorded from a measurement, a weekly reminder.
    link = KeyResultLink.objects.select_related("kpi").first()
    measurements_record(
        viewer=viewer_for(link.kpi.owner),
        kpi=link.kpi,
        items=[{"period_date": datetime.date.today(), "value": Decimal("41.5")}],
        recorded_by=link.kpi.owner,
    )
    assert MeasurementCheckIn.objects.exists()
    claire = User.objects.get(email=demo_email("claire.dubois"))
    Reminder.objects.create(user=claire, iso_year=2026, iso_week=48, status="sent")
    token_create(user=claire, name="script")
    # And an archived objective, kept with its history (objectives.services.objective_delete).
    archived = KeyResult.objects.filter(last_checkin_at__isnull=False).first().objective
    Objective.objects.filter(pk=archived.pk).update(archived_at=datetime.datetime.now(datetime.UTC))


def _export(tmp_path) -> tuple[dict, str]:
    path = tmp_path / "organisation.json"
    call_command("export_organisation", "--output", str(path), stderr=StringIO())
    return json.loads(path.read_text(encoding="utf-8")), str(path)


def test_export_then_import_gives_back_the_demo_organisation_exactly(demo, tmp_path, client):
    before = normalised()
    document, path = _export(tmp_path)
    assert document["format"] == 1
    old_ids = {row["id"] for row in document["objectives"]}
    empty_the_instance()

    call_command("import_organisation", path, stdout=StringIO())

    assert normalised() == before
    assert not old_ids & set(Objective.objects.values_list("pk", flat=True))
    # Password hashes came along; API tokens did not.
    assert client.login(username=demo_email("camille.petit"), password=DEMO_PASSWORD)
    assert not PersonalAccessToken.objects.exists()


def test_the_export_file_is_readable_only_by_its_owner(demo, tmp_path):
    _document, path = _export(tmp_path)
    assert Path(path).stat().st_mode & 0o077 == 0


def test_import_refuses_an_instance_that_holds_data(demo, tmp_path):
    _document, path = _export(tmp_path)
    people = User.objects.count()
    with pytest.raises(CommandError, match="This instance is not empty"):
        call_command("import_organisation", path)
    assert User.objects.count() == people


def test_import_refuses_another_format(tmp_path):
    path = tmp_path / "future.json"
    path.write_text(json.dumps({"format": 2, "people": []}))
    with pytest.raises(CommandError, match="format 2; this version reads format 1"):
        call_command("import_organisation", str(path))


def test_a_broken_reference_imports_nothing(demo, tmp_path):
    document, _path = _export(tmp_path)
    document["check_ins"][-1]["author"] = 999_999
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document))
    empty_the_instance()
    with pytest.raises(CommandError, match=r"check_ins\[\d+\]: author 999999 is not an id"):
        call_command("import_organisation", str(broken))
    assert not User.objects.exists() and not Team.objects.exists()


def test_the_export_carries_a_kpis_connector_but_never_its_secret(demo, tmp_path):
    from kpis import secrets
    from kpis.models import KPI

    kpi = KPI.objects.exclude(source_kind=KPI.SourceKind.MANUAL).get()
    kpi.source_secret = secrets.encrypt("Bearer export-secret-91")
    kpi.save()
    document, path = _export(tmp_path)
    (row,) = [row for row in document["kpis"] if row["name"] == kpi.name]
    assert row["source_kind"] == "http_json" and row["source_config"] == kpi.source_config
    text = Path(path).read_text(encoding="utf-8")
    assert "export-secret-91" not in text and kpi.source_secret not in text
