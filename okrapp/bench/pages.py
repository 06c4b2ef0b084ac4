"""Every page a person opens, as `make bench` times it: the member of a leaf team and an admin,
on the bench organisation's own objects. A page added to the product gets a row here."""

from __future__ import annotations

from okrapp.bench.http import Page
from okrapp.bench.organisation import BenchOrganisation


def pages_for(org: BenchOrganisation) -> list[Page]:
    member = [
        ("dashboard", "Dashboard", "/"),
        ("board", "OKR board", "/okrs/"),
        ("board_page", "OKR board, page 5", "/okrs/?page=5"),
        ("alignment", "Alignment", "/okrs/alignment/"),
        ("department", "Team page (department)", f"/teams/{org.department.pk}/"),
        ("leaf", "Team page (leaf team)", f"/teams/{org.leaf.pk}/"),
        ("company", "Team page (company)", f"/teams/{org.company.pk}/"),
        ("person", "Person page", f"/people/{org.member.pk}/"),
        ("my_week", "My week", "/checkins/"),
        ("objective", "Objective", f"/okrs/{org.objective.pk}/"),
        ("key_result", "Key result", f"/checkins/key-results/{org.key_result.pk}/"),
        ("kpi_board", "KPI board", "/kpis/"),
        ("kpi", "KPI page", f"/kpis/{org.kpi.pk}/"),
        ("notifications", "Notifications", "/checkins/notifications/"),
        ("profile", "Profile", "/profile/"),
    ]
    admin = [
        ("admin_dashboard", "Dashboard", "/"),
        ("admin_board", "OKR board", "/okrs/"),
        ("admin_alignment", "Alignment", "/okrs/alignment/"),
        ("admin_company", "Team page (company)", f"/teams/{org.company.pk}/"),
        ("admin_team_week", "Team week", "/checkins/team/"),
        ("admin_kpi_board", "KPI board", "/kpis/"),
        ("admin_people", "Organisation: people", "/organisation/people/"),
        ("admin_teams", "Organisation: teams", "/organisation/teams/"),
        ("admin_cycles", "Cycles", "/okrs/cycles/"),
    ]
    api = [
        ("api_objectives", "API: objectives", "/api/v1/objectives/", "member"),
        ("api_key_results", "API: key results", "/api/v1/key-results/", "member"),
        ("api_checkins", "API: check-ins", "/api/v1/check-ins/", "member"),
        ("api_kpis", "API: KPIs", "/api/v1/kpis/", "member"),
        ("api_teams", "API: teams", "/api/v1/teams/", "member"),
        ("api_users", "API: users", "/api/v1/users/", "admin"),
    ]
    return (
        [Page(key, name, path, "member") for key, name, path in member]
        + [Page(key, name, path, "admin") for key, name, path in admin]
        + [Page(key, name, path, role, api=True) for key, name, path, role in api]
    )
