"""Every page of the product, and its main states, has no WCAG 2.1 A or AA violation (axe-core).

What runs, to keep the suite's time reasonable:
1. Every page of PAGES in French and in English, at 1280 px and at 375 px: four visits of each
   page, whose roles (member, lead, admin, among those that open it) take turns, so that each
   page is seen in all four settings and by every role that opens it; and every page open to
   someone signed out, in fr/1280 and en/375.
2. The states that only exist after an action, at 1280 px in French and at 375 px in English:
   a form refused with its errors (the editor, a check-in, a KPI), htmx swaps (a check-in's
   correction form, the in-row dialog that asks before deleting a check-in, a measurement row
   in edit mode, a key result row added to the editor), a chart's data table and the user menu
   open, the signed-out page, the dashboard's and the organisation's team trees expanded and a
   branch of the alignment tree opened one level (their branches load on demand).
A violation fails the test with its rule, its element and its page; the test lists them all.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from checkins.models import CheckIn
from kpis.models import KPI
from objectives.models import Objective
from okrapp.core.models import Cycle, Team, User
from okrapp.dashboard.models import ReportFile
from okrapp.demo import kpis as demo_kpis
from okrapp.demo import objectives as demo_objectives
from okrapp.demo.organisation import DEMO_PASSWORD, demo_email
from tests.support.axe import axe_violations, report

ROLES = {"member": "camille.petit", "lead": "julien.bernard", "admin": "claire.dubois"}

# (page, path, roles that open it: m(ember), l(ead), a(dmin)). Refusals (403, 404) are pages
# too: each is shown once. The closed cycle's pages come last, as ?cycle= is remembered.
# fmt: off
PAGES = [
    ("dashboard",                    "/",                                             "mla"),
    ("dashboard, team branch open",  "/?open={team_contenu}",                         "mla"),
    ("team page, company",           "/teams/{team_company}/",                        "mla"),
    ("team page, a team",            "/teams/{team_contenu}/",                        "mla"),
    ("person page",                  "/people/{me}/",                                 "mla"),
    ("OKR board",                    "/okrs/",                                        "mla"),
    ("OKR board, filtered",          "/okrs/?team={team_contenu}&level=team",         "mla"),
    ("alignment",                    "/okrs/alignment/",                              "mla"),
    ("alignment, searched",          "/okrs/alignment/?q=a&focus={obj_newsletter}",   "mla"),
    ("new objective",                "/okrs/new/",                                    "mla"),
    ("new objective, team preset",   "/okrs/new/?level=team&team={team_contenu}",     "l"),
    ("objective, company",           "/okrs/{obj_company}/",                          "mla"),
    ("objective, team",              "/okrs/{obj_newsletter}/",                       "mla"),
    ("objective, individual",        "/okrs/{obj_camille}/",                          "mla"),
    ("objective, private",           "/okrs/{obj_private}/",                          "a"),
    ("objective, closed cycle",      "/okrs/{obj_closed}/",                           "m"),
    ("edit objective, company",      "/okrs/{obj_company}/edit/",                     "a"),
    ("edit objective, team",         "/okrs/{obj_newsletter}/edit/",                  "l"),
    ("edit objective, member's",     "/okrs/{obj_camille}/edit/",                     "m"),
    ("delete objective",             "/okrs/{obj_newsletter}/delete/",                "l"),
    ("refused (403)",                "/okrs/{obj_company}/edit/",                     "m"),
    ("not found (404)",              "/okrs/{obj_private}/",                          "m"),
    ("my week",                      "/checkins/",                                    "mla"),
    ("team week",                    "/checkins/team/",                               "la"),
    ("team week, a team chosen",     "/checkins/team/?team={team_contenu}",           "a"),
    ("key result, team",             "/checkins/key-results/{kr_newsletter}/",        "mla"),
    ("key result, member's",         "/checkins/key-results/{kr_camille}/",           "m"),
    ("key result, closed cycle",     "/checkins/key-results/{kr_closed}/",            "l"),
    ("correct a check-in",           "/checkins/check-ins/{checkin}/edit/",           "m"),
    ("delete a check-in, confirmation", "/checkins/check-ins/{checkin}/delete/",      "m"),
    ("notifications",                "/checkins/notifications/",                      "mla"),
    ("notification settings",        "/checkins/notifications/settings/",             "mla"),
    ("comments of an objective",     "/checkins/comments/objective/{obj_newsletter}/", "mla"),
    ("KPI board",                    "/kpis/",                                        "mla"),
    ("KPI board, filtered",          "/kpis/?team={team_marketing}&status=red",       "a"),
    ("new KPI",                      "/kpis/new/",                                    "mla"),
    ("KPI",                          "/kpis/{kpi_member}/",                           "mla"),
    ("edit KPI",                     "/kpis/{kpi_member}/edit/",                      "ma"),
    ("correct a measurement",        "/kpis/{kpi_member}/measurements/{measurement}/edit/", "m"),
    ("KPI import",                   "/kpis/{kpi_member}/import/",                    "m"),
    ("KPI into a key result",        "/kpis/{kpi_member}/key-result/",                "m"),
    ("key result into a KPI",        "/kpis/from-key-result/{kr_camille}/",           "m"),
    ("profile",                      "/profile/",                                     "mla"),
    ("password change",              "/accounts/password_change/",                    "m"),
    ("password change done",         "/accounts/password_change/done/",               "m"),
    ("organisation: people",         "/organisation/people/",                         "a"),
    ("organisation: people searched", "/organisation/people/?q=a&status=active",      "a"),
    ("organisation: add a person",   "/organisation/people/new/",                     "a"),
    ("organisation: a person",       "/organisation/people/{me}/",                    "a"),
    ("organisation: deactivate",     "/organisation/people/{me}/deactivate/",         "a"),
    ("organisation: invitations",    "/organisation/invitations/",                    "a"),
    ("organisation: teams",          "/organisation/teams/",                          "a"),
    ("organisation: teams searched", "/organisation/teams/?q=co",                     "a"),
    ("organisation: a team branch, no JavaScript", "/organisation/teams/{team_marketing}/branch/",
                                                                                      "a"),
    ("organisation: a team",         "/organisation/teams/{team_contenu}/",           "a"),
    ("organisation: import",         "/organisation/import/",                         "a"),
    ("organisation refused (403)",   "/organisation/people/",                         "l"),
    ("team chat channels",           "/integrations/teams/{team_contenu}/channels/",  "la"),
    ("webhooks",                     "/integrations/webhooks/",                       "a"),
    ("page not found",               "/this-page-does-not-exist/",                    "a"),
    ("needs attention",              "/attention/",                                   "mla"),
    ("needs attention, filtered",    "/attention/?team={team_contenu}&reason=off_track", "l"),
    ("dashboard, a team",            "/?team={team_contenu}",                         "l"),
    ("quarterly report",             "/report/",                                      "mla"),
    ("quarterly report, a team",     "/report/?team={team_contenu}",                  "l"),
    ("dashboard, closed cycle",      "/?cycle={cycle_closed}",                        "a"),
    ("quarterly report, closed cycle", "/report/?cycle={cycle_closed}",               "a"),
    ("OKR board, closed cycle",      "/okrs/?cycle={cycle_closed}",                   "a"),
    ("alignment, closed cycle",      "/okrs/alignment/?cycle={cycle_closed}",         "a"),
    ("team page, closed cycle",      "/teams/{team_contenu}/?cycle={cycle_closed}",   "a"),
    ("cycles",                       "/okrs/cycles/",                                 "a"),
    ("new cycle",                    "/okrs/cycles/new/",                             "a"),
    ("edit cycle",                   "/okrs/cycles/{cycle_planning}/edit/",           "a"),
    ("start a cycle, confirmation",  "/okrs/cycles/{cycle_planning}/move/active/",    "a"),
    ("grading",                      "/okrs/cycles/{cycle_closed}/grading/",          "la"),
    ("quarterly review",             "/cycles/{cycle_closed}/review/",                "m"),
    ("OKR board, planning cycle",    "/okrs/?cycle={cycle_planning}",                 "m"),
    ("carry over with changes",      "/okrs/{obj_brand}/carry-over/modify/?cycle={cycle_planning}",
                                                                                      "a"),
]
SIGNED_OUT = [
    ("sign-in",                      "/accounts/login/"),
    ("password reset",               "/accounts/password_reset/"),
    ("password reset sent",          "/accounts/password_reset/done/"),
    ("password reset, bad link",     "/accounts/reset/MQ/bad-token/"),
    ("password reset complete",      "/accounts/reset/done/"),
    ("invitation, bad link",         "/invitations/bad-token/"),
]
# fmt: on
# The four settings every page is seen in; the roles that open a page take turns over them.
SETTINGS = [("fr", 1280), ("en", 1280), ("fr", 375), ("en", 375)]
# Named URLs that are not a page of their own: POST-only actions, CSV downloads, htmx
# fragments whose states the tests below open in their page, the operations probes (plain
# text, JSON); the API and the admin site are left out by tests/okrapp/test_accessibility_pages.py.
NOT_PAGES = {
    "switch_language", "profile_token_create", "profile_token_revoke", "team_children",
    "objectives:coach", "objectives:key_result_row", "objectives:initiative_create",
    "objectives:initiative_status", "objectives:initiative_delete",
    "objectives:grade", "objectives:carry_over",
    "checkins:checkin_create", "objectives:alignment_branch", "checkins:notifications_read_all",
    "checkins:notification_read", "kpis:board_export", "kpis:delete", "kpis:measurement_add",
    "kpis:measurement_delete", "kpis:import_confirm", "kpis:export", "logout",
    # Conversations' actions; editing a comment needs one, and the demo has none.
    "checkins:comment_edit", "checkins:comment_delete", "checkins:reaction_toggle",
    "checkins:nudge",
    "healthz", "readyz", "metrics", "objectives:restore",
    "org_membership_add", "org_reactivate", "org_hand_over", "org_invite",
    "org_membership_remove", "org_invitation_resend", "org_invitation_revoke", "org_team_delete",
    # KPI connectors: Sync now (a POST), the data source panel (an htmx fragment), and the
    # demo's JSON endpoint.
    "kpis:sync", "kpis:syncs", "demo_analytics",
    # The quarterly report's PDF (a download; a large scope's request page is a POST form),
    # the PDF being made (it needs a worker's row: axe checks it, being made and ready, in
    # test_a_report_pdf_being_made_then_ready_has_no_wcag_violation below) and its download.
    "report_pdf", "report_file", "report_file_download",
    # The OKR board's exports: downloads.
    "objectives:board_export_csv", "objectives:board_export_xlsx",
    # Single sign-on: the button's POST (a GET redirects to the sign-in page) and the
    # provider's callback (redirects); the sign-in page with its button is in SIGNED_OUT.
    "openid_connect_login", "openid_connect_callback",
    # A picker's search (JSON); the pickers themselves are on the editor and forms above.
    "picker_search",
    # Integrations: POST-only actions (the channel's test message is checked in its htmx
    # state by tests/browser/test_integrations.py), and an endpoint's page, which needs an
    # endpoint with deliveries the demo does not have (same file).
    "integrations:channel_test", "integrations:channel_delete", "integrations:webhook_delete",
    "integrations:webhook",
}  # fmt: skip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def demo_ids() -> dict[str, int]:
    okrs = {okr.key: okr for okr in demo_objectives.ACTIVE + demo_objectives.CLOSED}
    active = Cycle.objects.get(status=Cycle.Status.ACTIVE)
    # The demo's previous quarter is being graded (okrapp/demo/quarter.py): read-only OKRs.
    closed = Cycle.objects.exclude(status__in=[Cycle.Status.ACTIVE, Cycle.Status.PLANNING]).latest(
        "start_date"
    )

    def objective(key: str) -> Objective:
        cycle = closed if okrs[key] in demo_objectives.CLOSED else active
        return Objective.objects.get(cycle=cycle, title=okrs[key].title)

    def first_key_result(key: str) -> int:
        return objective(key).key_results.order_by("position", "pk").first().pk

    kpi_names = {spec["owner"]: spec["name"] for spec in demo_kpis.KPIS}
    kr_camille = first_key_result("camille")
    kpi_member = KPI.objects.get(name=kpi_names["camille.petit"])
    return {
        "cycle_closed": closed.pk,
        "cycle_active": active.pk,
        "cycle_planning": Cycle.objects.get(status=Cycle.Status.PLANNING).pk,
        "team_company": Team.objects.get(parent=None).pk,
        "team_marketing": Team.objects.get(name="Marketing").pk,
        "team_contenu": Team.objects.get(name="Contenu & communauté").pk,
        "obj_company": objective("digital").pk,
        "obj_newsletter": objective("newsletter").pk,
        "obj_camille": objective("camille").pk,
        "obj_private": objective("nathan").pk,
        "obj_closed": objective("camille_closed").pk,
        # The previous quarter's company objective, still to decide: admins carry it over.
        "obj_brand": objective("brand").pk,
        "kr_newsletter": first_key_result("newsletter"),
        "kr_camille": kr_camille,
        "kr_closed": first_key_result("camille_closed"),
        "checkin": CheckIn.objects.filter(key_result_id=kr_camille).latest("created_at").pk,
        "kpi_member": kpi_member.pk,
        "measurement": kpi_member.measurements.order_by("-period_date").first().pk,
    }


@pytest.fixture
def demo(db) -> dict[str, int]:
    call_command("load_demo", verbosity=0)
    return demo_ids()


def sign_in(page, live_server, role: str, language: str) -> User:
    user = User.objects.get(email=demo_email(ROLES[role]))
    User.objects.filter(pk=user.pk).update(language=language)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return user


def visit(page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")


def pages_for(role: str, setting: int) -> list[tuple[str, str]]:
    """The pages `role` visits in SETTINGS[setting]: page i is seen there by the role at
    position (i + setting) of those that open it."""
    return [
        (label, path)
        for index, (label, path, roles) in enumerate(PAGES)
        if roles[(index + setting) % len(roles)] == role[0]
    ]


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(
    "setting", range(len(SETTINGS)), ids=[f"{lang}-{width}" for lang, width in SETTINGS]
)
def test_every_page_has_no_wcag_violation(page, live_server, demo, role, setting):
    language, width = SETTINGS[setting]
    page.set_viewport_size({"width": width, "height": 900})
    user = sign_in(page, live_server, role, language)
    values = {**demo, "me": user.pk}
    violations = []
    for label, path in pages_for(role, setting):
        visit(page, live_server, path.format(**values))
        violations += axe_violations(page, f"{role}, {language}, {width} px, {label}")
    assert not violations, report(violations)


@pytest.mark.parametrize(("language", "width"), [("fr", 1280), ("en", 375)])
def test_pages_for_someone_signed_out_have_no_wcag_violation(
    page, live_server, db, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    violations = []
    for label, path in SIGNED_OUT:
        visit(page, live_server, path)
        violations += axe_violations(page, f"signed out, {language}, {width} px, {label}")
    assert not violations, report(violations)


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(100)  # htmx settles its swap 20 ms after it


@pytest.mark.parametrize(("language", "width"), [("fr", 1280), ("en", 375)])
def test_forms_with_errors_and_htmx_swaps_have_no_wcag_violation(
    page, live_server, demo, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "member", language)
    label = f"member, {language}, {width} px"
    violations = []

    visit(page, live_server, "/okrs/new/")
    page.click("#add-key-result")  # htmx appends a key result row
    page.locator("#kr-rows > li").nth(1).wait_for()
    settle(page)
    violations += axe_violations(page, f"{label}, editor, a key result row added")
    page.fill("#id_title", "   ")
    page.click(".form-actions button[type=submit]:not([name])")
    page.locator(".errorlist").first.wait_for()
    violations += axe_violations(page, f"{label}, editor, refused with errors")

    visit(page, live_server, "/kpis/new/")
    page.fill("#id_name", "   ")
    page.click("main form button[type=submit]")
    page.locator(".errorlist").first.wait_for()
    violations += axe_violations(page, f"{label}, new KPI, refused with errors")

    visit(page, live_server, "/checkins/")
    row = page.locator(".checkin-row").first
    row.locator("input[name$=value]").fill("lots")
    row.locator("input[name$=value]").press("Enter")
    row.locator(".errorlist").wait_for()
    settle(page)
    violations += axe_violations(page, f"{label}, my week, a check-in refused")
    visit(page, live_server, "/checkins/")
    page.locator("[data-delete-checkin]").first.click()
    page.locator("[role=alertdialog]").wait_for()
    settle(page)
    violations += axe_violations(page, f"{label}, my week, asked before deleting a check-in")
    page.keyboard.press("Escape")
    page.locator("[role=alertdialog]").wait_for(state="detached")
    settle(page)
    correct = page.locator(".checkin-row-foot a[hx-get*='/edit/']").first
    correct.click()
    page.locator(".editing-note").wait_for()
    settle(page)
    violations += axe_violations(page, f"{label}, my week, correcting a check-in in place")

    visit(page, live_server, f"/okrs/cycles/{demo['cycle_closed']}/grading/")
    card = page.locator(f"#objective-{demo['obj_closed']}")
    card.locator("input[name$=final_score]").first.fill("120")
    card.locator("form[action$='/grade/'] .actions button[type=submit]").click()
    page.locator(f"#objective-{demo['obj_closed']} .errorlist").first.wait_for()
    violations += axe_violations(page, f"{label}, grading, a grade refused")

    visit(page, live_server, f"/kpis/{demo['kpi_member']}/")
    page.locator("table.measurements a[hx-get*='/edit/']").first.click()
    page.locator("tr.editing").wait_for()
    settle(page)
    violations += axe_violations(page, f"{label}, KPI, a measurement edited in place")
    page.locator("details.chart-data > summary").click()
    page.locator("figure.chart").screenshot(path=f"/tmp/shots/a11y-chart-{language}-{width}.png")
    violations += axe_violations(page, f"{label}, KPI, the chart's data table open")

    page.locator("details.user-menu > summary").click()
    page.locator("details.user-menu .menu").wait_for()
    violations += axe_violations(page, f"{label}, the user menu open")
    page.locator("details.user-menu form[action='/accounts/logout/'] button").click()
    page.wait_for_load_state("networkidle")
    violations += axe_violations(page, f"{label}, signed out")
    assert not violations, report(violations)


@pytest.mark.parametrize(("language", "width"), [("fr", 1280), ("en", 375)])
def test_expanded_trees_have_no_wcag_violation(page, live_server, demo, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "admin", language)
    label = f"admin, {language}, {width} px"
    violations = []

    marketing = demo["team_marketing"]
    page.click(f"#team-{marketing} > .tree-line button[data-tree-toggle]")
    page.locator(f"#team-children-{marketing} li").first.wait_for()
    settle(page)
    violations += axe_violations(page, f"{label}, dashboard, a team branch expanded")

    visit(page, live_server, "/organisation/teams/")
    page.click(f"#org-team-{marketing} > .org-tree-row button[data-tree-toggle]")
    page.locator(f"#org-team-children-{marketing} li").first.wait_for()
    settle(page)
    violations += axe_violations(page, f"{label}, organisation, a team branch expanded")

    visit(page, live_server, "/okrs/alignment/")
    page.locator(".align-root button[data-tree-toggle][aria-expanded=false]").first.click()
    page.locator(".align-branch:not([hidden]) .align-node").first.wait_for()
    settle(page)
    page.screenshot(path=f"/tmp/shots/a11y-alignment-{language}-{width}.png", full_page=True)
    violations += axe_violations(page, f"{label}, alignment, a branch opened")
    assert not violations, report(violations)


@pytest.mark.parametrize(("language", "width"), [("fr", 1280), ("en", 375)])
def test_a_report_pdf_being_made_then_ready_has_no_wcag_violation(
    page, live_server, demo, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    user = sign_in(page, live_server, "member", language)
    report_file = ReportFile.objects.create(
        requested_by=user,
        cycle=Cycle.objects.get(pk=demo["cycle_active"]),
        team=Team.objects.get(pk=demo["team_company"]),
        language=language,
        status=ReportFile.Status.RUNNING,
        progress=40,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    label = f"member, {language}, {width} px"
    visit(page, live_server, f"/report/files/{report_file.pk}/")
    violations = axe_violations(page, f"{label}, a report PDF being made")
    ReportFile.objects.filter(pk=report_file.pk).update(
        status=ReportFile.Status.DONE, progress=100, pdf=b"%PDF-1.4"
    )
    visit(page, live_server, f"/report/files/{report_file.pk}/")
    violations += axe_violations(page, f"{label}, a report PDF ready")
    assert not violations, report(violations)
