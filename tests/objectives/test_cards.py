"""The OKR board's cards (objectives.cards): drawn once per content and language, shared,
and never showing an old version of an objective."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from objectives import cards
from objectives.models import KeyResult
from okrapp.core import drawings
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def board_card(objective_pk):
    objective = (
        ObjectiveFactory._meta.model.objects.select_related("owner")
        .prefetch_related("key_results")
        .get(pk=objective_pk)
    )
    cards.attach_cards([objective])
    return objective.card_html


def test_a_card_is_drawn_once_and_then_shared(drawn):
    objective = ObjectiveFactory(title="Grow the newsletter")
    KeyResultFactory(objective=objective, title="10,000 subscribers")
    first, second = board_card(objective.pk), board_card(objective.pk)
    assert first == second and "10,000 subscribers" in first
    assert len(drawn) == 1


def test_a_changed_key_result_draws_the_card_again(drawn):
    objective = ObjectiveFactory()
    key_result = KeyResultFactory(objective=objective, title="Old title")
    board_card(objective.pk)
    KeyResult.objects.filter(pk=key_result.pk).update(title="New title", score=Decimal("70"))
    html = board_card(objective.pk)
    assert "New title" in html and "Old title" not in html
    assert len(drawn) == 2


def test_each_language_has_its_card(drawn):
    objective = ObjectiveFactory()
    with translation.override("fr"):
        french = board_card(objective.pk)
    with translation.override("en"):
        english = board_card(objective.pk)
    assert "Pas encore de résultat clé" in french
    assert "No key result yet" in english
    assert len(drawn) == 2


def test_titles_are_escaped_in_the_shared_card():
    objective = ObjectiveFactory(title="<script>alert(1)</script>")
    assert "<script>" not in board_card(objective.pk)


def test_an_unreachable_cache_draws_every_card(monkeypatch, drawn):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(drawings.cache, "get_many", unreachable)
    monkeypatch.setattr(drawings.cache, "set_many", unreachable)
    objective = ObjectiveFactory(title="Still drawn")
    assert "Still drawn" in board_card(objective.pk)


def test_a_cards_key_depends_on_its_content_only():
    from okrapp.core.drawings import _key

    values = {"card": {"title": translation.gettext_lazy("Score"), "score": Decimal("12.50")}}
    same = {"card": {"title": translation.gettext_lazy("Score"), "score": Decimal("12.50")}}
    assert _key(cards.TEMPLATE, values) == _key(cards.TEMPLATE, same)
    assert _key(cards.TEMPLATE, values) != _key(cards.TEMPLATE, {"card": {"title": "Other"}})


def test_a_changed_template_draws_the_cards_anew(monkeypatch):
    values = {"card": {"title": "Same"}}
    before = drawings._key(cards.TEMPLATE, values)
    monkeypatch.setattr(drawings, "code_fingerprint", lambda: "another-release")
    assert drawings._key(cards.TEMPLATE, values) != before
