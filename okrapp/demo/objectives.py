"""Demo OKRs: the seeds' worked examples (PRODUCT.md), aligned, plus other teams and people,
in the active and the closed cycle. Found or created by natural keys: loading twice changes
nothing (objective: cycle + title; key result: objective + title; initiative: key result +
title)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from objectives.models import Initiative, KeyResult, Objective
from objectives.services import objective_refresh_score
from okrapp.core.models import Cycle, Team

COMMITTED, ASPIRATIONAL = Objective.Kind.COMMITTED, Objective.Kind.ASPIRATIONAL
COMPANY, TEAM, INDIVIDUAL = (
    Objective.Level.COMPANY,
    Objective.Level.TEAM,
    Objective.Level.INDIVIDUAL,
)
NUM, PCT, EUR, MILESTONE = (
    KeyResult.Kind.NUMERIC,
    KeyResult.Kind.PERCENTAGE,
    KeyResult.Kind.CURRENCY,
    KeyResult.Kind.MILESTONE,
)


@dataclass
class KR:
    title: str
    start: str
    target: str
    current: str
    unit: str = ""
    kind: str = NUM
    owner: str | None = None
    initiatives: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class OKR:
    key: str
    title: str
    level: str
    team: str | None  # None: the company
    owner: str
    parent: str | None
    key_results: list[KR]
    kind: str = COMMITTED
    private: bool = False
    description: str = ""


ACTIVE = [
    OKR(
        "community",
        "Nos prospects et clients forment une communauté fidèle",
        COMPANY,
        None,
        "claire.dubois",
        None,
        [
            KR("Porter le NPS clients à 50", "32", "50", "41"),
            KR("Ramener le churn mensuel à 2 %", "4", "2", "3.1", "%", PCT),
        ],
        description="Nos clients recommandent Lumière & Associés et restent avec nous.",
    ),
    OKR(
        "digital",
        "Notre transformation digitale booste la performance",
        COMPANY,
        None,
        "claire.dubois",
        None,
        [
            KR("40 % du chiffre d'affaires réalisé en ligne", "25", "40", "31", "%", PCT),
            KR("Parcours d'achat ramené à 4 minutes", "9", "4", "6.5", "min"),
        ],
    ),
    OKR(
        "marketing_community",
        "Notre marketing est un levier d'animation désirable de nos communautés",
        TEAM,
        "Marketing",
        "sophie.martin",
        "community",
        [
            KR("50 % d'abonnés actifs à la newsletter chaque mois", "32", "50", "43", "%", PCT),
            KR(
                "+10 % d'abonnés LinkedIn chaque mois",
                "0",
                "10",
                "7",
                "%",
                PCT,
                "julien.bernard",
            ),
            KR(
                "100 demandes par mois via le lead nurturing",
                "40",
                "100",
                "62",
                "demandes",
                owner="emma.laurent",
            ),
            KR(
                "5 % de l'audience du site issue du retargeting d'ici la fin de la période",
                "1",
                "5",
                "2.4",
                "%",
                PCT,
                "hugo.simon",
                [
                    ("Lancer la campagne de retargeting", Initiative.Status.DONE),
                    ("Créer les visuels des bannières", Initiative.Status.DOING),
                ],
            ),
        ],
        description="De janvier à mars : nos communautés attendent nos messages.",
    ),
    OKR(
        "marketing_web",
        "Le web est notre première source de génération de leads",
        TEAM,
        "Marketing",
        "sophie.martin",
        "digital",
        [
            KR("+20 % d'audience organique (SEO)", "0", "20", "12", "%", PCT, "lea.michel"),
            KR("80 % des leads web validés par les ventes", "55", "80", "68", "%", PCT),
            KR("1 rendez-vous sur 4 issu du web", "10", "25", "16", "%", PCT),
            KR(
                "500 inscrits à 2 webinars",
                "0",
                "500",
                "180",
                "inscrits",
                initiatives=[
                    ("Organiser le webinar de février", Initiative.Status.DONE),
                    ("Publier le replay sur le blog", Initiative.Status.TODO),
                ],
            ),
        ],
    ),
    OKR(
        "newsletter",
        "Notre newsletter devient un rendez-vous attendu",
        TEAM,
        "Contenu & communauté",
        "julien.bernard",
        "marketing_community",
        [
            KR("Taux d'ouverture de la newsletter au-dessus de 50 %", "38", "50", "46", "%", PCT),
            KR("Taux de désabonnement sous 0,5 %", "1.2", "0.5", "0.8", "%", PCT),
        ],
    ),
    OKR(
        "acquisition",
        "Nos campagnes attirent les prospects qui nous ressemblent",
        TEAM,
        "Acquisition",
        "emma.laurent",
        "marketing_web",
        [
            KR("50 leads web qualifiés par mois", "20", "50", "34", "leads"),
            KR("Taux de rebond sous 40 %", "58", "40", "47", "%", PCT),
            KR("Coût par lead ramené à 35 €", "60", "35", "44", "€", EUR),
        ],
        kind=ASPIRATIONAL,
    ),
    OKR(
        "sales",
        "Nos clients grandissent avec nous",
        TEAM,
        "Ventes",
        "thomas.garcia",
        "community",
        [
            KR("Augmenter les ventes du produit X de 30 %", "0", "30", "12", "%", PCT),
            KR("Réduire le churn total de 5 points", "0", "5", "2", "points"),
            KR("Offre PME signée par un premier client", "0", "1", "0", kind=MILESTONE),
        ],
    ),
    OKR(
        "key_accounts",
        "Nos grands comptes nous confient de nouveaux projets",
        TEAM,
        "Grands comptes",
        "chloe.david",
        "sales",
        [
            KR("Chiffre d'affaires additionnel de 400 k€", "0", "400", "150", "k€", EUR),
            KR("6 comptes avec un second projet signé", "1", "6", "3", "comptes"),
        ],
    ),
    OKR(
        "product",
        "Acheter chez nous devient un plaisir",
        TEAM,
        "Produit",
        "ines.fournier",
        "digital",
        [
            KR("Porter le NPS produit à 80", "55", "80", "63"),
            KR("Parcours d'achat en 3 à 4 minutes", "9", "4", "5.5", "min"),
        ],
        kind=ASPIRATIONAL,
    ),
    OKR(
        "engineering",
        "Notre plateforme est rapide et fiable",
        TEAM,
        "Ingénierie",
        "arthur.andre",
        "product",
        [
            KR("Disponibilité de 99,9 %", "99.2", "99.9", "99.7", "%", PCT),
            KR("Temps de chargement médian sous 1,5 s", "3.2", "1.5", "2.1", "s"),
        ],
    ),
    OKR(
        "camille",
        "Nos contenus LinkedIn suscitent la conversation",
        INDIVIDUAL,
        "Contenu & communauté",
        "camille.petit",
        "newsletter",
        [
            KR("+50 abonnés LinkedIn par mois", "0", "50", "32", "abonnés"),
            KR("Taux d'engagement moyen de 4 %", "2", "4", "3.1", "%", PCT),
        ],
    ),
    OKR(
        "hugo",
        "My retargeting campaigns pay for themselves",
        INDIVIDUAL,
        "Acquisition",
        "hugo.simon",
        "acquisition",
        [
            KR("Return on ad spend of 3", "1.2", "3", "2.2"),
            KR("Cost per click below 0.60 €", "1.10", "0.60", "0.85", "€", EUR),
        ],
    ),
    OKR(
        "nathan",
        "Je deviens l'interlocuteur de confiance de mes comptes clés",
        INDIVIDUAL,
        "Grands comptes",
        "nathan.bertrand",
        "key_accounts",
        [
            KR("NPS de mes comptes à 70", "40", "70", "52"),
            KR("3 comptes clés en renouvellement anticipé", "0", "3", "1", "comptes"),
        ],
        private=True,
    ),
    OKR(
        "louise",
        "Nos mises en production deviennent un non-événement",
        INDIVIDUAL,
        "Ingénierie",
        "louise.lefevre",
        "engineering",
        [
            KR("95 % de déploiements sans incident", "70", "95", "88", "%", PCT),
            KR("Temps de déploiement sous 10 minutes", "45", "10", "18", "min"),
        ],
        kind=ASPIRATIONAL,
    ),
]

CLOSED = [
    OKR(
        "brand",
        "Notre marque est reconnue sur son marché",
        COMPANY,
        None,
        "claire.dubois",
        None,
        [
            KR("Notoriété assistée de 30 %", "18", "30", "27", "%", PCT),
            KR("20 retombées presse", "4", "20", "15", "articles"),
        ],
    ),
    OKR(
        "marketing_expertise",
        "Nos contenus installent notre expertise",
        TEAM,
        "Marketing",
        "sophie.martin",
        "brand",
        [
            KR(
                "10 000 visiteurs organiques sur le trimestre", "4000", "10000", "8600", "visiteurs"
            ),
            KR("Taux d'ouverture de la newsletter à 50 %", "35", "50", "51", "%", PCT),
            KR("Livre blanc publié et diffusé", "0", "1", "1", kind=MILESTONE),
        ],
    ),
    OKR(
        "sales_first",
        "Nous gagnons la confiance de nouveaux grands comptes",
        TEAM,
        "Ventes",
        "thomas.garcia",
        "brand",
        [
            KR("5 nouveaux grands comptes", "0", "5", "3", "comptes"),
            KR("Cycle de vente ramené à 60 jours", "90", "60", "72", "jours"),
        ],
        kind=ASPIRATIONAL,
    ),
    OKR(
        "camille_closed",
        "Notre communauté LinkedIn prend vie",
        INDIVIDUAL,
        "Contenu & communauté",
        "camille.petit",
        "marketing_expertise",
        [
            KR("+150 abonnés LinkedIn", "0", "150", "170", "abonnés"),
            KR("Taux d'engagement de 3 %", "1.5", "3", "2.6", "%", PCT),
        ],
    ),
]


# Next quarter's drafts: a planning cycle shows what is being prepared.
PLANNING = [
    OKR(
        "next_company",
        "Lumière devient la référence de l'éclairage durable",
        COMPANY,
        None,
        "claire.dubois",
        None,
        [
            KR("Part de marché de 12 %", "9", "12", "9", "%", PCT),
            KR("NPS à 55", "42", "55", "42", "points"),
        ],
    ),
    OKR(
        "next_marketing",
        "Notre marque parle aux architectes",
        TEAM,
        "Marketing",
        "sophie.martin",
        "next_company",
        [
            KR("30 cabinets d'architectes partenaires", "8", "30", "8", "cabinets"),
            KR("Catalogue prescripteurs publié", "0", "1", "0", kind=MILESTONE),
        ],
        kind=ASPIRATIONAL,
    ),
]


def load(organisation) -> dict[str, Objective]:
    """Load the demo OKRs; returns them by key (for the check-ins and KPI demos)."""
    loaded: dict[str, Objective] = {}
    for cycle, okrs in (
        (organisation.active_cycle, ACTIVE),
        (organisation.previous_cycle, CLOSED),
        (organisation.planning_cycle, PLANNING),
    ):
        for okr in okrs:
            loaded[okr.key] = _load_okr(organisation, cycle, okr, loaded)
    return loaded


def _load_okr(organisation, cycle: Cycle, okr: OKR, loaded: dict[str, Objective]) -> Objective:
    team: Team = organisation.company if okr.team is None else organisation.teams[okr.team]
    owner = organisation.people[okr.owner]
    objective, _ = Objective.objects.get_or_create(
        cycle=cycle,
        title=okr.title,
        defaults={
            "description": okr.description,
            "level": okr.level,
            "team": team,
            "owner": owner,
            "parent": loaded.get(okr.parent) if okr.parent else None,
            "kind": okr.kind,
            "visibility": Objective.Visibility.PRIVATE
            if okr.private
            else Objective.Visibility.PUBLIC,
        },
    )
    for position, kr in enumerate(okr.key_results):
        key_result, _ = KeyResult.objects.get_or_create(
            objective=objective,
            title=kr.title,
            defaults={
                "owner": organisation.people[kr.owner] if kr.owner else owner,
                "kind": kr.kind,
                "start_value": Decimal(kr.start),
                "target_value": Decimal(kr.target),
                "current_value": Decimal(kr.current),
                "unit": kr.unit,
                "position": position,
            },
        )
        for title, status in kr.initiatives:
            Initiative.objects.get_or_create(
                key_result=key_result,
                title=title,
                defaults={"status": status, "owner": key_result.owner},
            )
    objective_refresh_score(objective_id=objective.pk)
    return objective
