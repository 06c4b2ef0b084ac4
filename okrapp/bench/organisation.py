"""`make bench`'s synthetic organisation.

At scale 1.0: 5,000 people, 400 teams on 5 levels, 8,000 objectives, 25,000 key results,
300,000 check-ins, a daily snapshot history since the cycle started, and 1,000 KPIs with 36
monthly measurements each, one in ten followed by a key result. Rows are written in batches
(bulk_create; COPY on PostgreSQL for the big tables), so that the build takes seconds.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from checkins.models import CheckIn
from kpis.models import KPI, KeyResultLink, Measurement
from objectives import scoring
from objectives.models import Confidence, KeyResult, Objective, ScoreSnapshot
from objectives.rollup_services import SNAPSHOT_COLUMNS, person_tallies, team_scores
from okrapp.core import freshness
from okrapp.core.models import Cycle, Membership, Team, User

COMPANY_NAME = "Bench Corp"
CYCLE_NAME = "Bench cycle"
PASSWORD = "bench-password"
FULL = {
    "people": 5000,
    "teams": 400,
    "objectives": 8000,
    "key_results": 25000,
    "checkins": 300000,
    "kpis": 1000,
}
MONTHS_OF_MEASUREMENTS = 36
FIRST_NAMES = [
    "Alice",
    "Bruno",
    "Chloé",
    "David",
    "Emma",
    "Farid",
    "Gaëlle",
    "Hugo",
    "Inès",
    "Jules",
    "Karim",
    "Léa",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
]


@dataclass
class BenchOrganisation:
    """What the measures open: a member of a leaf team (the viewer), an admin, the leaf team
    and its department, the company, and one of the member's objectives, key results and
    KPIs."""

    cycle: Cycle
    member: User
    admin: User
    leaf: Team
    department: Team
    company: Team
    objective: Objective
    key_result: KeyResult
    kpi: KPI


def sizes(scale: float) -> dict[str, int]:
    return {name: max(1, round(count * scale)) for name, count in FULL.items()}


def existing_bench() -> Cycle | None:
    company = Team.company()
    if company is None or company.name != COMPANY_NAME:
        return None
    return Cycle.objects.filter(name=CYCLE_NAME).first()


def is_empty() -> bool:
    return not (Team.objects.exists() or User.objects.exists() or Cycle.objects.exists())


# Build --------------------------------------------------------------------------------


def _level_sizes(total_teams: int) -> list[int]:
    """Teams per level below the company, on 4 levels (5 with the company)."""
    below = max(4, total_teams - 1)
    level1 = max(1, round(below * 0.015))
    level2 = max(1, round(below * 0.075))
    level3 = max(1, round(below * 0.3))
    return [level1, level2, level3, max(1, below - level1 - level2 - level3)]


def _copy_rows(model, columns: list[str], rows: Iterable[tuple], batch: int = 5000) -> int:
    """Insert plain rows fast: COPY on PostgreSQL, batched executemany elsewhere."""
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(f'"{column}"' for column in columns)
            with cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({placeholders})'
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def build(scale: float, *, seed: int = 7, log: Callable[[str], None] = print) -> BenchOrganisation:
    """Create the synthetic organisation (an empty database is expected)."""
    rng = random.Random(seed)
    want = sizes(scale)
    today = timezone.localdate()
    now = timezone.now()

    with transaction.atomic():
        cycle = Cycle.objects.create(
            name=CYCLE_NAME,
            start_date=today - datetime.timedelta(days=77),
            end_date=today + datetime.timedelta(days=14),
            status=Cycle.Status.ACTIVE,
        )
        company = Team.objects.create(name=COMPANY_NAME)
        levels: list[list[Team]] = [[company]]
        for depth, count in enumerate(_level_sizes(want["teams"]), start=1):
            parents = levels[-1]
            teams = Team.objects.bulk_create(
                [
                    Team(
                        name=f"Team {depth}.{index + 1}",
                        parent_id=parents[index % len(parents)].pk,
                        depth=depth,
                    )
                    for index in range(count)
                ]
            )
            paths = {parent.pk: parent.path for parent in parents}
            for team in teams:
                team.path = f"{paths[team.parent_id]}{team.pk}/"
            Team.objects.bulk_update(teams, ["path"], batch_size=1000)
            levels.append(teams)
        all_teams = [team for level in levels for team in level]
        log(f"  teams: {len(all_teams)} on {len(levels)} levels")

        password = make_password(PASSWORD)
        people = User.objects.bulk_create(
            [
                User(
                    email=f"bench{index}@bench.example",
                    display_name=f"{FIRST_NAMES[index % len(FIRST_NAMES)]} "
                    f"{LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]} {index}",
                    password=password,
                    language="fr" if index % 3 else "en",
                    is_staff=index < 3,
                    is_superuser=index < 3,
                )
                for index in range(want["people"])
            ],
            batch_size=2000,
        )
        # The company keeps a handful of executives; everyone else spreads over the teams.
        executives = people[: min(5, len(people))]
        primary: dict[int, Team] = {person.pk: company for person in executives}
        lower = all_teams[1:] or [company]
        for index, person in enumerate(people[len(executives) :]):
            primary[person.pk] = lower[index % len(lower)]
        memberships = []
        leads: dict[int, int] = {}
        for person in people:
            team = primary[person.pk]
            role = Membership.Role.MEMBER
            if team.pk not in leads:
                leads[team.pk] = person.pk
                role = Membership.Role.LEAD
            memberships.append(Membership(user=person, team=team, role=role, is_primary=True))
        for person in people[len(executives) :: 10]:  # one in ten sits in a second team
            other = rng.choice(lower)
            if other.pk != primary[person.pk].pk:
                memberships.append(Membership(user=person, team=other, is_primary=False))
        Membership.objects.bulk_create(memberships, batch_size=5000)
        log(f"  people: {len(people)}, memberships: {len(memberships)}")

        # Plan every key result first (its final value and confidence), so that key results
        # and objectives are inserted once with their stored scores, never updated.
        objective_count = want["objectives"]
        confidences = [Confidence.ON_TRACK] * 6 + [Confidence.AT_RISK] * 3 + [Confidence.OFF_TRACK]
        plans = []
        objective_pairs: dict[int, list] = {}
        for index in range(want["key_results"]):
            target = Decimal(rng.choice([10, 50, 100, 500, 1000]))
            checked = index % 10 != 9  # one in ten never checked in
            reach = Decimal(rng.randint(5, 110)) / 100 if checked else Decimal(0)
            current = (target * reach).quantize(Decimal("0.01"))
            score = scoring.key_result_score(start=Decimal(0), target=target, current=current)
            last_at = (
                now
                - datetime.timedelta(days=rng.choice([0, 1, 2, 3, 4, 6, 9, 16, 20]))
                - datetime.timedelta(minutes=index % 600)
                if checked
                else None
            )
            confidence = rng.choice(confidences) if checked else ""
            plans.append((target, current, score, last_at, confidence, checked))
            objective_pairs.setdefault(index % objective_count, []).append((score, Decimal(1)))

        def objective_score(index: int) -> Decimal | None:
            score = scoring.objective_score(objective_pairs.get(index, []))
            return None if score is None else score.quantize(Decimal("1e-12"))

        objectives = []
        for index in range(min(5, objective_count)):
            objectives.append(
                Objective(
                    cycle=cycle,
                    title=f"Company objective {index + 1}",
                    level=Objective.Level.COMPANY,
                    team=company,
                    owner=executives[index % len(executives)],
                )
            )
        for team in lower:
            for number in range(2):
                if len(objectives) >= objective_count * 0.12:
                    break
                objectives.append(
                    Objective(
                        cycle=cycle,
                        title=f"{team.name}: team objective {number + 1}",
                        level=Objective.Level.TEAM,
                        team=team,
                        owner_id=leads.get(team.pk, executives[0].pk),
                    )
                )
        index = 0
        while len(objectives) < objective_count:
            person = people[index % len(people)]
            objectives.append(
                Objective(
                    cycle=cycle,
                    title=f"Personal objective {index + 1}",
                    level=Objective.Level.INDIVIDUAL,
                    team=primary[person.pk],
                    owner=person,
                    visibility=Objective.Visibility.PRIVATE
                    if index % 20 == 0
                    else Objective.Visibility.PUBLIC,
                )
            )
            index += 1
        for index, objective in enumerate(objectives):
            objective.score = objective_score(index)
        objectives = Objective.objects.bulk_create(objectives, batch_size=2000)
        aligned = _align(objectives, {team.pk: team for team in all_teams})
        log(f"  objectives: {len(objectives)}, {aligned} aligned with a parent")

        key_results = []
        for index, (target, current, score, last_at, confidence, _checked) in enumerate(plans):
            objective = objectives[index % len(objectives)]
            key_results.append(
                KeyResult(
                    objective=objective,
                    title=f"Reach {target} on measure {index + 1}",
                    owner_id=objective.owner_id,
                    start_value=Decimal(0),
                    target_value=target,
                    current_value=current,
                    score=score,
                    confidence=confidence,
                    last_checkin_at=last_at,
                    position=index // len(objectives),
                )
            )
        key_results = KeyResult.objects.bulk_create(key_results, batch_size=2000)
        log(f"  key results: {len(key_results)}")

        # Check-ins: the checked-in key results share the total, about one a week each,
        # rising from the cycle start to the planned last check-in.
        checked = [
            (key_result, plan)
            for key_result, plan in zip(key_results, plans, strict=True)
            if plan[5]
        ]
        per_key_result = max(1, want["checkins"] // max(1, len(checked)))
        extra = want["checkins"] - per_key_result * len(checked)
        first_at = now - datetime.timedelta(days=76)

        def checkin_rows():
            for index, (key_result, plan) in enumerate(checked):
                _target, current, _score, last_at, confidence, _ = plan
                count = per_key_result + (1 if index < extra else 0)
                for step in range(count):
                    fraction = Decimal(step + 1) / count
                    yield (
                        key_result.pk,
                        key_result.owner_id,
                        (current * fraction).quantize(Decimal("0.01")),
                        str(confidence if step == count - 1 else rng.choice(confidences)),
                        "",
                        "",
                        first_at + (last_at - first_at) * float(fraction),
                    )

        inserted = _copy_rows(
            CheckIn,
            [
                "key_result_id",
                "author_id",
                "value",
                "confidence",
                "comment",
                "blockers",
                "created_at",
            ],
            checkin_rows(),
        )
        log(f"  check-ins: {inserted}")

        history = _snapshot_history(cycle, today)
        log(f"  snapshot history: {history} rows")
        kpis, measurements = _kpis(rng, want["kpis"], all_teams, leads, key_results, today)
        log(f"  KPIs: {kpis}, measurements: {measurements}")
    freshness.bump()  # COPY loads around the connection's wrapper: say the rows changed
    return find(cycle)


def _align(objectives: list[Objective], teams: dict[int, Team]) -> int:
    """As a company aligns: a department's team objectives under a company objective, a
    team's under its parent team's first objective, four in five individual objectives
    under their team's first objective."""
    company = [o for o in objectives if o.level == Objective.Level.COMPANY]
    first_of_team: dict[int, Objective] = {}
    for objective in objectives:
        if objective.level == Objective.Level.TEAM:
            first_of_team.setdefault(objective.team_id, objective)
    changed = []
    for index, objective in enumerate(objectives):
        parent = None
        if objective.level == Objective.Level.TEAM and company:
            team = teams[objective.team_id]
            parent = (
                company[index % len(company)]
                if team.depth <= 1
                else first_of_team.get(team.parent_id)
            )
        elif objective.level == Objective.Level.INDIVIDUAL and index % 5:
            parent = first_of_team.get(objective.team_id)
        if parent is not None and parent.pk != objective.pk:
            objective.parent_id = parent.pk
            changed.append(objective)
    Objective.objects.bulk_update(changed, ["parent"], batch_size=2000)
    return len(changed)


def _kpis(rng, count, teams, leads, key_results, today) -> tuple[int, int]:
    """KPIs spread over the teams, owned by their leads, with 36 monthly measurements each:
    most healthy, some under watch or in alert, one in twenty stale (its last month is
    missing); one in ten is followed by a key result."""
    kpis = KPI.objects.bulk_create(
        [
            KPI(
                name=f"KPI {index + 1}",
                definition="Synthetic measure of the bench organisation.",
                unit="%",
                target_value=Decimal(100),
                alert_threshold=Decimal(60),
                data_source="Bench",
                owner_id=leads.get(teams[index % len(teams)].pk, leads[teams[0].pk]),
                team_id=teams[index % len(teams)].pk,
                visibility=KPI.Visibility.PRIVATE if index % 25 == 0 else KPI.Visibility.PUBLIC,
            )
            for index in range(count)
        ],
        batch_size=1000,
    )
    first_month = today.replace(day=1)
    months = []
    for back in range(MONTHS_OF_MEASUREMENTS):
        year, month = divmod(first_month.year * 12 + first_month.month - 1 - back, 12)
        months.append(datetime.date(year, month + 1, 1))
    now = timezone.now()

    def rows():
        for index, kpi in enumerate(kpis):
            level = rng.choice([110, 104, 98, 92, 85, 75, 55])
            for back, month in enumerate(months):
                if index % 20 == 0 and back < 2:
                    continue
                value = Decimal(level - back // 6 + rng.randint(-3, 3))
                yield (kpi.pk, month, value, "", None, now)

    measurements = _copy_rows(
        Measurement,
        ["kpi_id", "period_date", "value", "note", "recorded_by_id", "recorded_at"],
        rows(),
    )
    followed = key_results[:: max(1, len(key_results) // max(1, count // 10))][: count // 10]
    KeyResultLink.objects.bulk_create(
        [
            KeyResultLink(key_result_id=key_result.pk, kpi_id=kpis[index].pk)
            for index, key_result in enumerate(followed)
        ],
        batch_size=1000,
    )
    return len(kpis), measurements


def _snapshot_history(cycle: Cycle, today: datetime.date) -> int:
    """A daily snapshot per team and per person from the cycle start to yesterday, rising
    towards today's scores, as the nightly roll-up would have left them."""
    scores = team_scores(cycle.pk)
    people = person_tallies(cycle.pk)
    person_ids = list(User.objects.filter(is_active=True).values_list("id", flat=True))
    days = (today - cycle.start_date).days
    quantum = Decimal("1e-12")

    def at(value: Decimal | None, fraction: Decimal) -> Decimal | None:
        return None if value is None else (value * fraction).quantize(quantum)

    def rows():
        for offset in range(days):
            day = cycle.start_date + datetime.timedelta(days=offset)
            fraction = Decimal(offset + 1) / Decimal(days + 1)
            for team_id, score in scores.items():
                yield (
                    cycle.pk,
                    day,
                    "team",
                    team_id,
                    None,
                    at(score.own_score, fraction),
                    at(score.rolled_up_score, fraction),
                    score.subtree.count,
                    False,
                )
            for user_id in person_ids:
                tally = people.get(user_id)
                mean = at(tally.mean, fraction) if tally else None
                yield (
                    cycle.pk,
                    day,
                    "person",
                    None,
                    user_id,
                    mean,
                    mean,
                    tally.count if tally else 0,
                    False,
                )

    return _copy_rows(
        ScoreSnapshot,
        SNAPSHOT_COLUMNS,
        rows(),
    )


def find(cycle: Cycle) -> BenchOrganisation:
    """The people and things the measures open, in an organisation built now or earlier."""
    company = Team.company()
    deepest = Team.objects.order_by("-depth").values_list("depth", flat=True).first() or 0
    membership = (
        Membership.objects.filter(is_primary=True, team__depth=deepest, user__is_staff=False)
        .filter(user__objectives__cycle=cycle, user__objectives__visibility="public")
        .select_related("user", "team")
        .order_by("-user_id")
        .first()
    )
    member = membership.user
    objective = (
        Objective.objects.filter(cycle=cycle, owner=member, visibility="public")
        .order_by("pk")
        .first()
    )
    return BenchOrganisation(
        cycle=cycle,
        member=member,
        admin=User.objects.filter(is_staff=True).order_by("pk").first(),
        leaf=membership.team,
        department=Team.objects.filter(depth=1).order_by("pk").first() or company,
        company=company,
        objective=objective,
        key_result=objective.key_results.order_by("position", "pk").first(),
        kpi=KPI.objects.filter(team=membership.team).first()
        or KPI.objects.filter(visibility=KPI.Visibility.PUBLIC).order_by("pk").first(),
    )


def counts() -> dict[str, int]:
    return {
        "people": User.objects.count(),
        "teams": Team.objects.count(),
        "team_levels": (
            Team.objects.order_by("-depth").values_list("depth", flat=True).first() or 0
        )
        + 1,
        "objectives": Objective.objects.count(),
        "key_results": KeyResult.objects.count(),
        "checkins": CheckIn.objects.count(),
        "snapshots": ScoreSnapshot.objects.count(),
        "kpis": KPI.objects.count(),
        "measurements": Measurement.objects.count(),
    }
