"""The OKR coach, in English and in French: advice, never a block."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from objectives.quality import KeyResultDraft, advice, objective_warnings, task_verb

GOOD_KRS = [
    KeyResultDraft("Generate 500 qualified leads", Decimal(500)),
    KeyResultDraft("Raise NPS to 80", Decimal(80)),
]


def warnings_for(title="Our customers love us", key_results=GOOD_KRS, count=1):
    return objective_warnings(
        title=title, key_results=key_results, objectives_for_owner_and_level=count
    )


def test_a_good_okr_gets_no_warning():
    assert warnings_for() == []


@pytest.mark.parametrize(
    "title",
    ["Reach 500 customers", "Être n°1 en 2026", "Grow by 10%", "Nos 3 produits"],
)
def test_a_figure_in_the_objective_title_is_flagged(title):
    (warning,) = warnings_for(title=title)
    assert warning.field == "title"


def test_figure_warning_in_english():
    with translation.override("en"):
        (warning,) = warnings_for(title="Win 10 new accounts")
    assert "figure" in warning.message


def test_figure_warning_in_french():
    with translation.override("fr"):
        (warning,) = warnings_for(title="Gagner 10 nouveaux comptes")
    assert "chiffre" in warning.message


@pytest.mark.parametrize("count", [0, 1, 6, 7])
def test_fewer_than_two_or_more_than_five_key_results_are_flagged(count):
    drafts = [KeyResultDraft(f"Raise NPS to {n}", Decimal(n + 1)) for n in range(count)]
    warnings = warnings_for(key_results=drafts)
    assert [w.field for w in warnings] == ["key_results"]


@pytest.mark.parametrize("count", [2, 3, 4, 5])
def test_two_to_five_key_results_are_fine(count):
    drafts = [KeyResultDraft(f"Raise NPS to {n}", Decimal(n + 1)) for n in range(count)]
    assert warnings_for(key_results=drafts) == []


def test_key_result_count_warning_in_french_uses_the_plural():
    with translation.override("fr"):
        (warning,) = warnings_for(key_results=[])
    assert "0 résultat clé" in warning.message


def test_more_than_three_objectives_for_the_same_owner_and_level_is_flagged():
    assert warnings_for(count=3) == []
    (warning,) = warnings_for(count=4)
    assert warning.field == "owner"
    assert "4" in warning.message


def test_key_result_without_numeric_target_is_flagged_with_its_index():
    drafts = [GOOD_KRS[0], KeyResultDraft("Increase lead generation", None)]
    (warning,) = warnings_for(key_results=drafts)
    assert (warning.field, warning.index) == ("key_result", 1)


def test_a_milestone_needs_no_numeric_target():
    drafts = [GOOD_KRS[0], KeyResultDraft("Partner contract signed", None, is_milestone=True)]
    assert warnings_for(key_results=drafts) == []


@pytest.mark.parametrize(
    ("title", "verb"),
    [
        ("Launch the campaign", "launch"),
        ("launch THE campaign", "launch"),
        ("Publish 4 blog posts", "publish"),
        ("Organise a webinar", "organise"),
        ("Organize a webinar", "organize"),
        ("Do the SEO audit", "do"),
        ("Write the white paper", "write"),
        ("Create a landing page", "create"),
        ("Send the newsletter every week", "send"),
        ("Set up the CRM", "set up"),
        ("Set-up the CRM", "set up"),
        ("Lancer la campagne", "lancer"),
        ("Publier 4 articles", "publier"),
        ("Organiser un webinar", "organiser"),
        ("Faire l'audit SEO", "faire"),
        ("Rédiger le livre blanc", "rediger"),
        ("REDIGER le livre blanc", "rediger"),
        ("Créer une page d'atterrissage", "creer"),
        ("Creer une page", "creer"),
        ("Envoyer la newsletter", "envoyer"),
        ("Mettre en place le CRM", "mettre en place"),
        ("Mettre en œuvre le plan", "mettre en oeuvre"),
    ],
)
def test_a_key_result_worded_as_a_task_is_flagged(title, verb):
    assert task_verb(title) == verb
    drafts = [GOOD_KRS[0], KeyResultDraft(title, Decimal(4))]
    (warning,) = warnings_for(key_results=drafts)
    assert (warning.field, warning.index) == ("key_result", 1)


@pytest.mark.parametrize(
    "title",
    [
        "Generate 500 qualified leads",
        "Raise NPS to 80",
        "Relancer 80 % des clients inactifs",  # relancer is not lancer: whole words only
        "Chiffre d'affaires en ligne à 40 %",  # affaires is not faire
        "Reduce downtime to 1 hour",  # downtime is not do
        "50 % d'abonnés actifs à la newsletter",
        "Documents signed by 80 % of clients",
        "Launched products reach 1000 users",  # a result, not the imperative
    ],
)
def test_outcomes_are_not_mistaken_for_tasks(title):
    assert task_verb(title) is None


def test_task_warning_in_english_names_the_verb():
    with translation.override("en"):
        warnings = warnings_for(key_results=[GOOD_KRS[0], KeyResultDraft("Launch it", 1)])
    assert "“launch” sounds like a task" in warnings[0].message


def test_task_warning_in_french():
    with translation.override("fr"):
        warnings = warnings_for(key_results=[GOOD_KRS[0], KeyResultDraft("Lancer la pub", 1)])
    assert "tâche" in warnings[0].message
    assert "initiative" in warnings[0].message


def test_warnings_come_in_the_order_of_the_form():
    drafts = [KeyResultDraft("Write a post", None)]
    fields = [w.field for w in warnings_for(title="Top 3", key_results=drafts, count=5)]
    assert fields == ["title", "owner", "key_results", "key_result", "key_result"]


# Where the editor shows each warning -------------------------------------------------------


def test_advice_puts_each_warning_beside_its_field_and_its_key_result_row():
    warnings = warnings_for(
        title="Win 10 accounts",
        key_results=[KeyResultDraft("Launch the campaign", Decimal(1))],
        count=4,
    )
    grouped = advice(warnings, draft_rows=["kr-2"], rows=["kr-0", "kr-1", "kr-2"])
    assert len(grouped.fields["title"]) == 1
    assert len(grouped.fields["owner"]) == 1
    assert len(grouped.fields["key_results"]) == 1
    assert grouped.rows["kr-0"] == [] and grouped.rows["kr-1"] == []
    (row_warning,) = grouped.rows["kr-2"]
    assert "launch" in row_warning


def test_advice_numbers_key_result_warnings_from_one_in_the_summary():
    drafts = [KeyResultDraft("Generate leads", None), KeyResultDraft("Raise NPS", Decimal(80))]
    warnings = warnings_for(key_results=drafts)
    grouped = advice(warnings, draft_rows=["kr-0", "kr-1"])
    assert [number for number, _ in grouped.all] == [1]
    assert grouped.all[0][1] == grouped.rows["kr-0"][0]


def test_advice_without_warnings_gives_empty_places_for_every_row():
    grouped = advice([], draft_rows=[], rows=["kr-0"])
    assert grouped.all == []
    assert grouped.fields == {"title": [], "owner": [], "key_results": []}
    assert grouped.rows == {"kr-0": []}
