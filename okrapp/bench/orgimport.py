"""`manage.py bench_org_import`: the org-chart import of a large HR export (10,000 people by
default), timed: the preview, the import, and the same file again (which must change nothing).
Runs in a transaction that is rolled back, so the database is left as it was."""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from okrapp.core.models import Team, User
from okrapp.core.permissions import viewer_for
from okrapp.core.services import org_import


class RolledBack(Exception):
    pass


def chart(people: int, teams: int) -> bytes:
    """A CSV of `people` rows over `teams` teams on two levels, French headers, semicolons."""
    divisions = max(1, teams // 10)
    lines = ["e-mail;nom;équipe;équipe parente;rôle;langue"]
    for index in range(people):
        team = index % teams
        parent = "" if team < divisions else f"Division {team % divisions}"
        name = f"Division {team}" if team < divisions else f"Équipe {team}"
        role = "lead" if index < teams else "member"
        lines.append(
            f"bench{index}@import.example;Personne {index};{name};{parent};{role};"
            f"{'fr' if index % 2 else 'en'}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _timed(label: str, results: dict, run) -> object:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        outcome = run()
        seconds = time.perf_counter() - started
    results[label] = {"seconds": round(seconds, 2), "queries": len(queries)}
    return outcome


def measure(*, people: int = 10_000, teams: int = 200) -> dict:
    data = chart(people, teams)
    results: dict = {"people": people, "teams": teams, "bytes": len(data)}
    try:
        with transaction.atomic():
            if Team.company() is None:
                Team.objects.create(name="Bench import company")
            actor = User.objects.create_superuser(
                email="bench-import-admin@import.example", display_name="Bench admin"
            )
            viewer = viewer_for(actor)
            preview = _timed(
                "preview", results, lambda: org_import(viewer=viewer, data=data, dry_run=True)
            )
            applied = _timed("import", results, lambda: org_import(viewer=viewer, data=data))
            again = _timed("again", results, lambda: org_import(viewer=viewer, data=data))
            results["created"] = applied.counts["create"]
            results["errors"] = len(preview.errors) + len(applied.errors)
            results["again_changes_anything"] = again.plan.changes_anything
            raise RolledBack
    except RolledBack:
        pass
    return results
