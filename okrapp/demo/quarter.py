"""The end of the previous quarter, half done: grading open, some grades changed with a note,
some retrospectives written, one objective kept and one abandoned, the rest left to decide.
Runs after the score history, so each final grade starts at the key result's last score.
Loading twice changes nothing (each step looks for what it would write)."""

from __future__ import annotations

from decimal import Decimal

from objectives import grading_services
from objectives.cycle_services import objectives_refresh_final_scores
from objectives.models import CarryOver, KeyResult, Objective
from okrapp.core.models import Cycle
from okrapp.core.permissions import viewer_for

RETROSPECTIVES = {
    "Nos contenus installent notre expertise": (
        "Le livre blanc a été repris par deux médias spécialisés.",
        "Le trafic organique a décollé tard : trop peu d'articles le premier mois.",
        "Planifier les contenus sur tout le trimestre dès la première semaine.",
    ),
    "Nous gagnons la confiance de nouveaux grands comptes": (
        "Trois grands comptes signés, dont un dans un secteur nouveau.",
        "Le cycle de vente reste long : les validations juridiques traînent.",
        "Impliquer le service juridique du client dès la démonstration.",
    ),
}
# (objective title, key result title, final grade, note): an owner who disagrees.
GRADES = [
    (
        "Nous gagnons la confiance de nouveaux grands comptes",
        "Cycle de vente ramené à 60 jours",
        Decimal(50),
        "Le chiffre de 72 jours compte un contrat hors norme ; sans lui, 66 jours.",
    ),
]
KEEP = "Nous gagnons la confiance de nouveaux grands comptes"
ABANDON = (
    "Notre communauté LinkedIn prend vie",
    "La communauté passe sur notre propre forum le trimestre prochain.",
)


def load(organisation) -> None:
    cycle: Cycle = organisation.previous_cycle
    if cycle.status != Cycle.Status.GRADING:
        return
    _default_grades(cycle)
    admin = viewer_for(organisation.people["claire.dubois"])
    by_title = {objective.title: objective for objective in Objective.objects.filter(cycle=cycle)}
    for title, kr_title, grade, note in GRADES:
        key_result = KeyResult.objects.filter(objective=by_title[title], title=kr_title).first()
        if key_result is not None and not key_result.grade_note:
            grading_services.key_result_grade(
                viewer=admin, key_result=key_result, final_score=grade, grade_note=note
            )
    for title, (went_well, went_badly, learned) in RETROSPECTIVES.items():
        objective = by_title[title]
        if not objective.went_well:
            grading_services.objective_retrospective(
                viewer=admin,
                objective=objective,
                went_well=went_well,
                went_badly=went_badly,
                learned=learned,
            )
    decided = set(CarryOver.objects.filter(source__cycle=cycle).values_list("source_id", flat=True))
    if by_title[KEEP].pk not in decided:
        grading_services.objective_carry_over(
            viewer=admin,
            objective=by_title[KEEP],
            cycle=organisation.planning_cycle,
            decision=CarryOver.Decision.KEEP,
        )
    abandoned, reason = ABANDON
    if by_title[abandoned].pk not in decided:
        grading_services.objective_carry_over(
            viewer=admin,
            objective=by_title[abandoned],
            cycle=None,
            decision=CarryOver.Decision.ABANDON,
            reason=reason,
        )


def _default_grades(cycle: Cycle) -> None:
    """What opening grading does (objectives.cycle_services): each final grade starts at the
    key result's score."""
    for key_result in KeyResult.objects.filter(objective__cycle=cycle, final_score__isnull=True):
        key_result.final_score = (key_result.score or Decimal(0)).quantize(Decimal("0.01"))
        key_result.save(update_fields=["final_score"])
    objectives_refresh_final_scores(cycle_id=cycle.pk)
