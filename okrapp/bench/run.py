"""`make bench`: a synthetic organisation, then the roll-up and page timings.

At scale 1.0: 5,000 people, 400 teams on 5 levels, 8,000 objectives, 25,000 key results,
300,000 check-ins, and a daily snapshot history since the cycle started. Rows are written in
batches (bulk_create; COPY on PostgreSQL for the big tables) so that the build takes minutes.
"""

from __future__ import annotations

import datetime
import io
import json
import random
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from checkins.models import CheckIn
from objectives import scoring
from objectives.models import Confidence, KeyResult, Objective, ScoreSnapshot
from objectives.rollup_services import person_tallies, snapshots_refresh, team_scores
from okrapp.core.models import Cycle, Membership, Team, User

COMPANY_NAME = "Bench Corp"
CYCLE_NAME = "Bench cycle"
FULL = {"people": 5000, "teams": 400, "objectives": 8000, "key_results": 25000, "checkins": 300000}
TARGETS = {"rollup_seconds": 2.0, "page_p50_ms": 150.0}
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
    cycle: Cycle
    member: User
    team: Team
    company: Team


@dataclass
class PageTiming:
    name: str
    url: str
    status: int
    queries: int
    p50_ms: float
    p95_ms: float
    samples_ms: list[float] = field(default_factory=list, repr=False)


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

        password = make_password("bench-password")
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
        log(f"  objectives: {len(objectives)}")

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

    member = next(
        (p for p in reversed(people) if primary[p.pk].depth == len(levels) - 1), people[-1]
    )
    team = next((t for t in levels[-2] if any(c.parent_id == t.pk for c in levels[-1])), company)
    return BenchOrganisation(cycle=cycle, member=member, team=team, company=company)


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
        [
            "cycle_id",
            "day",
            "node_type",
            "team_id",
            "user_id",
            "own_score",
            "rolled_up_score",
            "scored_objectives",
            "is_final",
        ],
        rows(),
    )


def find(cycle: Cycle) -> BenchOrganisation:
    """The people and teams to measure in an organisation built earlier."""
    company = Team.company()
    deepest = Team.objects.order_by("-depth").values_list("depth", flat=True).first() or 0
    membership = (
        Membership.objects.filter(is_primary=True, team__depth=deepest, user__is_staff=False)
        .select_related("user", "team")
        .order_by("-user_id")
        .first()
    )
    member = membership.user if membership else User.objects.order_by("-id").first()
    team = (
        Team.objects.filter(pk=membership.team.parent_id).first() if membership else company
    ) or company
    return BenchOrganisation(cycle=cycle, member=member, team=team, company=company)


# Measure ------------------------------------------------------------------------------


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


PAGE_KEYS = ("dashboard", "attention", "team", "company", "person", "my_week", "board")


def measure_pages(
    org: BenchOrganisation, requests: int = 20, only: Iterable[str] = PAGE_KEYS
) -> list[PageTiming]:
    pages = {
        "dashboard": ("Dashboard", "/"),
        "attention": ("Needs attention", "/attention/"),
        "team": ("Team page", f"/teams/{org.team.pk}/"),
        "company": ("Team page (company)", f"/teams/{org.company.pk}/"),
        "person": ("Person page", f"/people/{org.member.pk}/"),
        "my_week": ("My week", "/checkins/"),
        "board": ("OKR board", "/okrs/"),
    }
    pages = [pages[key] for key in PAGE_KEYS if key in set(only)]
    overrides = {
        "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
        "SECURE_SSL_REDIRECT": False,
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }
    timings = []
    with override_settings(**overrides):
        client = Client()
        client.force_login(org.member)
        client.get(f"/?cycle={org.cycle.pk}")  # remembers the cycle in the session
        for name, url in pages:
            response = client.get(url)  # warm-up
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            query_count = len(queries)  # now: later requests reset the query log
            samples = []
            for _ in range(requests):
                started = time.perf_counter()
                client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
            timings.append(
                PageTiming(
                    name=name,
                    url=url,
                    status=response.status_code,
                    queries=query_count,
                    p50_ms=round(statistics.median(samples), 1),
                    p95_ms=round(_percentile(samples, 0.95), 1),
                    samples_ms=[round(sample, 1) for sample in samples],
                )
            )
    return timings


def measure_report(org: BenchOrganisation, *, pdf: bool = False) -> dict:
    """The quarterly report of the whole company, as the member reads it: the HTML page once
    (its queries and time), and with `pdf` the PDF made as the worker makes it. Measured, not
    held to a target: at 5,000 people the PDF runs to hundreds of pages."""
    from okrapp.core.permissions import viewer_for
    from okrapp.dashboard import pdf as report_pdf
    from okrapp.dashboard.report import quarterly_report

    results: dict = {}
    overrides = {
        "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
        "SECURE_SSL_REDIRECT": False,
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }
    with override_settings(**overrides):
        client = Client()
        client.force_login(org.member)
        client.get(f"/?cycle={org.cycle.pk}")
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/report/")
            results["html_seconds"] = round(time.perf_counter() - started, 2)
        results["html_status"] = response.status_code
        results["html_queries"] = len(queries)
        results["html_kilobytes"] = round(len(response.content) / 1024)
        if pdf:
            started = time.perf_counter()
            data = quarterly_report(org.cycle, viewer_for(org.member))
            document = report_pdf.report_pdf(data, "fr")
            results["pdf_seconds"] = round(time.perf_counter() - started, 1)
            results["pdf_kilobytes"] = round(len(document) / 1024)
    return results


def measure_rollup(cycle: Cycle) -> dict:
    """The day's first roll-up (inserts every snapshot), then a second run (writes nothing)."""
    ScoreSnapshot.objects.filter(cycle=cycle, day=timezone.localdate()).delete()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        first = snapshots_refresh(cycle_id=cycle.pk)
        first_seconds = time.perf_counter() - started
    query_count = len(queries)
    started = time.perf_counter()
    again = snapshots_refresh(cycle_id=cycle.pk)
    again_seconds = time.perf_counter() - started
    return {
        "seconds": round(first_seconds, 3),
        "queries": query_count,
        "snapshots_created": first.created,
        "second_run_seconds": round(again_seconds, 3),
        "second_run_writes": again.created + again.updated + again.deleted,
    }


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
    }


def report(results: dict) -> str:
    out = io.StringIO()
    out.write(
        f"\nDatabase: {results['database']}  scale: {results['scale'] or 'reused organisation'}\n"
    )
    out.write(
        "Organisation: "
        + ", ".join(
            f"{value:,} {name.replace('_', ' ')}" for name, value in results["counts"].items()
        )
        + "\n"
    )
    if results.get("build_seconds") is not None:
        out.write(f"Build: {results['build_seconds']:.1f} s\n")
    rollup = results["rollup"]
    verdict = "ok" if rollup["seconds"] < TARGETS["rollup_seconds"] else "MISSED"
    out.write(
        f"\nrollup_scores: {rollup['seconds']:.3f} s, {rollup['queries']} queries, "
        f"{rollup['snapshots_created']} snapshots (target < {TARGETS['rollup_seconds']} s: "
        f"{verdict}); second run {rollup['second_run_seconds']:.3f} s, "
        f"{rollup['second_run_writes']} writes\n\n"
    )
    if results.get("report"):
        found = results["report"]
        out.write(
            f"Quarterly report (whole company): HTML {found['html_seconds']:.2f} s, "
            f"{found['html_queries']} queries, {found['html_kilobytes']} kB"
        )
        if "pdf_seconds" in found:
            out.write(f"; PDF {found['pdf_seconds']:.1f} s, {found['pdf_kilobytes']} kB")
        out.write("\n\n")
    header = f"{'page':<22}{'status':>7}{'queries':>9}{'p50 ms':>9}{'p95 ms':>9}  target\n"
    out.write(header)
    out.write("-" * (len(header) + 4) + "\n")
    for page in results["pages"]:
        verdict = "ok" if page["p50_ms"] < TARGETS["page_p50_ms"] else "MISSED"
        out.write(
            f"{page['name']:<22}{page['status']:>7}{page['queries']:>9}"
            f"{page['p50_ms']:>9.1f}{page['p95_ms']:>9.1f}  {verdict}\n"
        )
    return out.getvalue()


def write_json(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")


def pages_as_dicts(timings: list[PageTiming]) -> list[dict]:
    return [asdict(timing) for timing in timings]
