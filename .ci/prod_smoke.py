"""The production smoke test's client, run by .ci/prod-smoke against gunicorn with DEBUG off.

    .venv/bin/python .ci/prod_smoke.py http://127.0.0.1:PORT

1. Reads the ids of a few demo objects (by their natural keys) from the database the server
   uses, and checks that PAGES names every page of the URL conf.
2. For each role of the README's demo sign-ins, for the first admin that .ci/prod-smoke
   creates, and for someone not signed in, side by side as people use the site: signs in
   through the real login form (CSRF token from the form, session cookie), creates an API
   token on the profile page, fetches every page of PAGES and compares its status with the
   table; admins also walk the admin site (every model's list, add and first change page).
3. Every HTML answer must carry the security headers and name its static files (link href,
   script src, img src under STATIC_URL) by their hashed manifest names; each must be served
   with 200 and an immutable cache header, as must the files a stylesheet or script names
   (url(), source maps).
4. Signs out through the form. Prints every mismatch (role, page, path, expected, got) and
   exits 1 if there was one; no answer may ever be a 5xx.
"""

# ruff: noqa: E501 (PAGES is a table, one row per line, wider than 100 columns)
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The README's demo sign-ins, one per role; the password is the README's too.
PASSWORD = "demo-okr-2026"
ROLES = {
    "ceo": "claire.dubois@lumiere.example",  # CEO, admin, lead of the company
    "admin": "admin@lumiere.example",  # admin, no team to lead
    # The first admin of a new installation, made by .ci/prod-smoke as the README says
    # (createsuperuser --noinput): in no team at all.
    "first": os.environ.get("PROD_SMOKE_FIRST_ADMIN"),
    "lead": "julien.bernard@lumiere.example",  # lead of Contenu & communauté
    "member": "camille.petit@lumiere.example",  # member of Contenu & communauté
    "english": "hugo.simon@lumiere.example",  # member of Acquisition, English interface
    "anonymous": None,
}
ADMINS = {"ceo", "admin", "first"}
PASSWORDS = {"first": os.environ.get("PROD_SMOKE_FIRST_ADMIN_PASSWORD", "")}
LANGUAGE = {"english": "en"}  # the interface language of each role; "fr" otherwise

# The ids in PAGES' paths, from the demo (okrapp/demo) by natural key in demo_ids():
#   obj_company     company objective "digital" (active cycle; admins edit it)
#   obj_newsletter  team objective of Contenu & communauté, which the lead leads
#   obj_camille     the member's individual objective (she and her lead edit it)
#   obj_hugo        the English person's individual objective (Acquisition)
#   obj_private     Nathan's private objective (Grands comptes): admins see it, others 404
#   obj_closed      the member's objective of the closed cycle: read-only for everyone
#   kr_*            the first key result of each; kr_linked follows the newsletter KPI
#   checkin         the member's latest check-in on kr_camille (only she may correct it)
#   kpi_member      the member's KPI (Contenu & communauté); kpi_english the English person's
#   me, own_token   the signed-in person, and the API token they create on their profile
#   each_team, each_person   one fetch per team, per person
# Columns: ceo, adm(in), 1st (first admin), lead, m(em)b(e)r, en(glish), anon(ymous).
# Statuses: 200 page; 302 redirect (to the login page for anonymous); 403 refused; 404 not
# shown (private, or an unknown id); 405 wrong method (POST-only URLs, fetched with GET);
# 401 the API without credentials.
# fmt: off
PAGES = [
    # page                              path                                                      ceo  adm  1st  lead mbr  en   anon
    ("login",                          "/accounts/login/",                                       200, 200, 200, 200, 200, 200, 200),
    ("dashboard",                      "/",                                                      200, 200, 200, 200, 200, 200, 302),
    ("dashboard, team branch open",    "/?open={team_contenu}",                                  200, 200, 200, 200, 200, 200, 302),
    ("team branch without htmx",       "/teams/{team_marketing}/children/",                      302, 302, 302, 302, 302, 302, 302),
    ("team page, company",             "/teams/{team_company}/",                                 200, 200, 200, 200, 200, 200, 302),
    ("team page, each team",           "/teams/{each_team}/",                                    200, 200, 200, 200, 200, 200, 302),
    ("team page, unknown",             "/teams/999999/",                                         404, 404, 404, 404, 404, 404, 302),
    ("person page, each person",       "/people/{each_person}/",                                 200, 200, 200, 200, 200, 200, 302),
    ("OKR board",                      "/okrs/",                                                 200, 200, 200, 200, 200, 200, 302),
    ("OKR board, filtered",            "/okrs/?team={team_contenu}&level=team",                  200, 200, 200, 200, 200, 200, 302),
    ("OKR board export CSV",           "/okrs/export.csv?team={team_contenu}",                   200, 200, 200, 200, 200, 200, 302),
    ("OKR board export XLSX",          "/okrs/export.xlsx",                                      200, 200, 200, 200, 200, 200, 302),
    ("alignment",                      "/okrs/alignment/",                                       200, 200, 200, 200, 200, 200, 302),
    ("alignment, searched and focused", "/okrs/alignment/?q=a&focus={obj_newsletter}",          200, 200, 200, 200, 200, 200, 302),
    ("alignment, branches opened",     "/okrs/alignment/?open={obj_company},{obj_newsletter}&page=2", 200, 200, 200, 200, 200, 200, 302),
    ("alignment branch without htmx",  "/okrs/alignment/{obj_company}/branch/",                  302, 302, 302, 302, 302, 302, 302),
    ("alignment branch, private",      "/okrs/alignment/{obj_private}/branch/",                  302, 302, 302, 404, 404, 404, 302),
    ("new objective",                  "/okrs/new/",                                             200, 200, 200, 200, 200, 200, 302),
    ("new objective, team preset",     "/okrs/new/?level=team&team={team_contenu}",              200, 200, 200, 200, 200, 200, 302),
    ("editor: key result row",         "/okrs/key-result-row/?kr-TOTAL_FORMS=3",                 200, 200, 200, 200, 200, 200, 302),
    ("editor: coach (POST only)",      "/okrs/coach/",                                           405, 405, 405, 405, 405, 405, 302),
    ("objective, company",             "/okrs/{obj_company}/",                                   200, 200, 200, 200, 200, 200, 302),
    ("objective, team",                "/okrs/{obj_newsletter}/",                                200, 200, 200, 200, 200, 200, 302),
    ("objective, individual",          "/okrs/{obj_camille}/",                                   200, 200, 200, 200, 200, 200, 302),
    ("objective, private",             "/okrs/{obj_private}/",                                   200, 200, 200, 404, 404, 404, 302),
    ("objective, closed cycle",        "/okrs/{obj_closed}/",                                    200, 200, 200, 200, 200, 200, 302),
    ("edit objective, company",        "/okrs/{obj_company}/edit/",                              200, 200, 200, 403, 403, 403, 302),
    ("edit objective, team",           "/okrs/{obj_newsletter}/edit/",                           200, 200, 200, 200, 403, 403, 302),
    ("edit objective, member's",       "/okrs/{obj_camille}/edit/",                              200, 200, 200, 200, 200, 403, 302),
    ("edit objective, English's",      "/okrs/{obj_hugo}/edit/",                                 200, 200, 200, 403, 403, 200, 302),
    ("edit objective, private",        "/okrs/{obj_private}/edit/",                              200, 200, 200, 404, 404, 404, 302),
    ("edit objective, closed cycle",   "/okrs/{obj_closed}/edit/",                               403, 403, 403, 403, 403, 403, 302),
    ("delete objective, team",         "/okrs/{obj_newsletter}/delete/",                         200, 200, 200, 200, 403, 403, 302),
    ("add initiative (POST only)",     "/okrs/key-results/{kr_camille}/initiatives/",            405, 405, 405, 405, 405, 405, 302),
    ("initiative status (POST only)",  "/okrs/initiatives/{initiative}/status/",                 405, 405, 405, 405, 405, 405, 302),
    ("delete initiative (POST only)",  "/okrs/initiatives/{initiative}/delete/",                 405, 405, 405, 405, 405, 405, 302),
    ("my week",                        "/checkins/",                                             200, 200, 200, 200, 200, 200, 302),
    ("team week",                      "/checkins/team/",                                        200, 200, 200, 200, 403, 403, 302),
    ("team week, a team chosen",       "/checkins/team/?team={team_contenu}&page=1",             200, 200, 200, 200, 403, 403, 302),
    ("key result, team",               "/checkins/key-results/{kr_newsletter}/",                 200, 200, 200, 200, 200, 200, 302),
    ("key result, member's",           "/checkins/key-results/{kr_camille}/",                    200, 200, 200, 200, 200, 200, 302),
    ("key result, private",            "/checkins/key-results/{kr_private}/",                    200, 200, 200, 404, 404, 404, 302),
    ("key result, closed cycle",       "/checkins/key-results/{kr_closed}/",                     200, 200, 200, 200, 200, 200, 302),
    ("check in (POST only)",           "/checkins/key-results/{kr_camille}/check-in/",           405, 405, 405, 405, 405, 405, 302),
    ("correct a check-in",             "/checkins/check-ins/{checkin}/edit/",                    403, 403, 403, 403, 200, 403, 302),
    ("delete check-in, confirmation",  "/checkins/check-ins/{checkin}/delete/",                  403, 403, 403, 403, 200, 403, 302),
    ("notifications",                  "/checkins/notifications/",                               200, 200, 200, 200, 200, 200, 302),
    ("read all (POST only)",           "/checkins/notifications/read-all/",                      405, 405, 405, 405, 405, 405, 302),
    ("read one (POST only)",           "/checkins/notifications/999999/read/",                   405, 405, 405, 405, 405, 405, 302),
    ("notification settings",          "/checkins/notifications/settings/",                      200, 200, 200, 200, 200, 200, 302),
    ("comments, team objective",       "/checkins/comments/objective/{obj_newsletter}/",         200, 200, 200, 200, 200, 200, 302),
    ("comments, private objective",    "/checkins/comments/objective/{obj_private}/",            200, 200, 200, 404, 404, 404, 302),
    ("comments, key result",           "/checkins/comments/key-result/{kr_camille}/",            200, 200, 200, 200, 200, 200, 302),
    ("edit a comment, unknown",        "/checkins/comment/999999/edit/",                         404, 404, 404, 404, 404, 404, 302),
    ("delete a comment (POST only)",   "/checkins/comment/999999/delete/",                       405, 405, 405, 405, 405, 405, 302),
    ("react (POST only)",              "/checkins/reactions/check-in/{checkin}/",                405, 405, 405, 405, 405, 405, 302),
    ("nudge (POST only)",              "/checkins/team/nudge/{me}/",                             405, 405, 405, 405, 405, 405, 302),
    ("KPI board",                      "/kpis/",                                                 200, 200, 200, 200, 200, 200, 302),
    ("KPI board, filtered",            "/kpis/?team={team_marketing}&status=red",                200, 200, 200, 200, 200, 200, 302),
    ("KPI board export",               "/kpis/export.csv",                                       200, 200, 200, 200, 200, 200, 302),
    ("new KPI",                        "/kpis/new/",                                             200, 200, 200, 200, 200, 200, 302),
    ("KPI, member's",                  "/kpis/{kpi_member}/",                                    200, 200, 200, 200, 200, 200, 302),
    ("KPI, English's",                 "/kpis/{kpi_english}/",                                   200, 200, 200, 200, 200, 200, 302),
    ("KPI, unknown",                   "/kpis/999999/",                                          404, 404, 404, 404, 404, 404, 302),
    ("edit KPI, member's",             "/kpis/{kpi_member}/edit/",                               200, 200, 200, 200, 200, 403, 302),
    ("edit KPI, English's",            "/kpis/{kpi_english}/edit/",                              200, 200, 200, 403, 403, 200, 302),
    ("delete KPI (POST only)",         "/kpis/{kpi_member}/delete/",                             405, 405, 405, 405, 405, 405, 302),
    ("add measurement (POST only)",    "/kpis/{kpi_member}/measurements/",                       405, 405, 405, 405, 405, 405, 302),
    ("correct a measurement",          "/kpis/{kpi_member}/measurements/{measurement}/edit/",    200, 200, 200, 200, 200, 403, 302),
    ("delete measurement (POST only)", "/kpis/{kpi_member}/measurements/{measurement}/delete/",  405, 405, 405, 405, 405, 405, 302),
    ("KPI import",                     "/kpis/{kpi_member}/import/",                             200, 200, 200, 200, 200, 403, 302),
    ("KPI import confirm (POST only)", "/kpis/{kpi_member}/import/confirm/",                     405, 405, 405, 405, 405, 405, 302),
    ("KPI export",                     "/kpis/{kpi_member}/export.csv",                          200, 200, 200, 200, 200, 200, 302),
    ("KPI into a key result",          "/kpis/{kpi_member}/key-result/",                         200, 200, 200, 200, 200, 200, 302),
    ("key result into a KPI",          "/kpis/from-key-result/{kr_camille}/",                    200, 200, 200, 200, 200, 403, 302),
    ("key result into a KPI, linked",  "/kpis/from-key-result/{kr_linked}/",                     302, 302, 302, 403, 403, 403, 302),
    ("profile",                        "/profile/",                                              200, 200, 200, 200, 200, 200, 302),
    ("create token (POST only)",       "/profile/tokens/",                                       405, 405, 405, 405, 405, 405, 302),
    ("revoke token (POST only)",       "/profile/tokens/{own_token}/revoke/",                    405, 405, 405, 405, 405, 405, 302),
    ("language (POST only)",           "/language/",                                             405, 405, 405, 405, 405, 405, 405),
    ("password change",                "/accounts/password_change/",                             200, 200, 200, 200, 200, 200, 302),
    ("password change done",           "/accounts/password_change/done/",                        200, 200, 200, 200, 200, 200, 302),
    ("password reset",                 "/accounts/password_reset/",                              200, 200, 200, 200, 200, 200, 200),
    ("password reset sent",            "/accounts/password_reset/done/",                         200, 200, 200, 200, 200, 200, 200),
    ("password reset, bad link",       "/accounts/reset/MQ/bad-token/",                          200, 200, 200, 200, 200, 200, 200),
    ("password reset complete",        "/accounts/reset/done/",                                  200, 200, 200, 200, 200, 200, 200),
    ("sign out (POST only)",           "/accounts/logout/",                                      405, 405, 405, 405, 405, 405, 302),
    ("API docs",                       "/api/docs/",                                             200, 200, 200, 200, 200, 200, 200),
    ("API schema",                     "/api/schema/",                                           200, 200, 200, 200, 200, 200, 200),
    ("cycles",                         "/okrs/cycles/",                                          200, 200, 200, 403, 403, 403, 302),
    ("new cycle",                      "/okrs/cycles/new/",                                      200, 200, 200, 403, 403, 403, 302),
    ("edit cycle",                     "/okrs/cycles/{cycle_active}/edit/",                      200, 200, 200, 403, 403, 403, 302),
    ("move cycle, confirmation",       "/okrs/cycles/{cycle_active}/move/grading/",              200, 200, 200, 403, 403, 403, 302),
    ("grading, active cycle",          "/okrs/cycles/{cycle_active}/grading/",                   200, 200, 200, 200, 200, 200, 302),
    ("grade (POST only)",              "/okrs/{obj_newsletter}/grade/",                          405, 405, 405, 405, 405, 405, 302),
    ("carry over (POST only)",         "/okrs/{obj_newsletter}/carry-over/",                     405, 405, 405, 405, 405, 405, 302),
    ("carry over with changes, active", "/okrs/{obj_newsletter}/carry-over/modify/",             403, 403, 403, 403, 403, 403, 302),
    ("restore (POST only)",            "/okrs/{obj_newsletter}/restore/",                        405, 405, 405, 405, 405, 405, 302),
    ("cycle review",                   "/cycles/{cycle_active}/review/",                         200, 200, 200, 200, 200, 200, 302),
    ("needs attention",                "/attention/",                                            200, 200, 200, 200, 200, 200, 302),
    ("needs attention, filtered",      "/attention/?team={team_contenu}&reason=off_track&page=2", 200, 200, 200, 200, 200, 200, 302),
    ("dashboard, a team",              "/?team={team_contenu}",                                  200, 200, 200, 200, 200, 200, 302),
    ("quarterly report",               "/report/",                                               200, 200, 200, 200, 200, 200, 302),
    ("quarterly report, a team",       "/report/?team={team_contenu}",                           200, 200, 200, 200, 200, 200, 302),
    ("quarterly report PDF",           "/report/pdf/?team={team_contenu}",                       200, 200, 200, 200, 200, 200, 302),
    ("report PDF, unknown",            "/report/files/999999/",                                  404, 404, 404, 404, 404, 404, 302),
    ("report PDF download, unknown",   "/report/files/999999/download/",                         404, 404, 404, 404, 404, 404, 302),
    ("sync now (POST only)",           "/kpis/{kpi_member}/sync/",                               405, 405, 405, 405, 405, 405, 302),
    ("sync history (htmx; else back)", "/kpis/{kpi_member}/syncs/",                              302, 302, 302, 302, 302, 302, 302),
    ("demo analytics (off)",           "/demo/analytics.json",                                   404, 404, 404, 404, 404, 404, 404),
    ("API KPI sync (POST only)",       "/api/v1/kpis/{kpi_member}/sync/",                        405, 405, 405, 405, 405, 405, 401),
    ("API KPI syncs",                  "/api/v1/kpis/{kpi_member}/syncs/",                       200, 200, 200, 200, 200, 200, 401),
    ("API carry-over (POST only)",     "/api/v1/objectives/{obj_newsletter}/carry-over/",        405, 405, 405, 405, 405, 405, 401),
    ("API me",                         "/api/v1/me/",                                            200, 200, 200, 200, 200, 200, 401),
    ("API users",                      "/api/v1/users/",                                         200, 200, 200, 200, 200, 200, 401),
    ("API user",                       "/api/v1/users/{me}/",                                    200, 200, 200, 200, 200, 200, 401),
    ("API teams",                      "/api/v1/teams/",                                         200, 200, 200, 200, 200, 200, 401),
    ("API team",                       "/api/v1/teams/{team_contenu}/",                          200, 200, 200, 200, 200, 200, 401),
    ("API cycles",                     "/api/v1/cycles/",                                        200, 200, 200, 200, 200, 200, 401),
    ("API cycle",                      "/api/v1/cycles/{cycle_active}/",                         200, 200, 200, 200, 200, 200, 401),
    ("API cycle scores",               "/api/v1/cycles/{cycle_active}/scores/",                  200, 200, 200, 200, 200, 200, 401),
    ("API objectives",                 "/api/v1/objectives/",                                    200, 200, 200, 200, 200, 200, 401),
    ("API objective",                  "/api/v1/objectives/{obj_newsletter}/",                   200, 200, 200, 200, 200, 200, 401),
    ("API objective, private",         "/api/v1/objectives/{obj_private}/",                      200, 200, 200, 404, 404, 404, 401),
    ("API key results",                "/api/v1/key-results/",                                   200, 200, 200, 200, 200, 200, 401),
    ("API key result",                 "/api/v1/key-results/{kr_camille}/",                      200, 200, 200, 200, 200, 200, 401),
    ("API check-ins",                  "/api/v1/check-ins/",                                     200, 200, 200, 200, 200, 200, 401),
    ("API check-in",                   "/api/v1/check-ins/{checkin}/",                           200, 200, 200, 200, 200, 200, 401),
    ("API KPIs",                       "/api/v1/kpis/",                                          200, 200, 200, 200, 200, 200, 401),
    ("API KPI",                        "/api/v1/kpis/{kpi_member}/",                             200, 200, 200, 200, 200, 200, 401),
    ("API KPI measurements",           "/api/v1/kpis/{kpi_member}/measurements/",                200, 200, 200, 200, 200, 200, 401),
    ("API comments",                   "/api/v1/comments/",                                      200, 200, 200, 200, 200, 200, 401),
    ("API comments, private objective", "/api/v1/comments/?objective={obj_private}",             200, 200, 200, 200, 200, 200, 401),
    ("API comment, unknown",           "/api/v1/comments/999999/",                               404, 404, 404, 404, 404, 404, 401),
    ("API notifications",              "/api/v1/notifications/",                                 200, 200, 200, 200, 200, 200, 401),
    ("API notifications, unread",      "/api/v1/notifications/?unread=true",                     200, 200, 200, 200, 200, 200, 401),
    ("API notification, unknown",      "/api/v1/notifications/999999/",                          404, 404, 404, 404, 404, 404, 401),
    ("API notification read (POST)",   "/api/v1/notifications/999999/read/",                     405, 405, 405, 405, 405, 405, 401),
    ("API notifications read all (POST)", "/api/v1/notifications/read-all/",                     405, 405, 405, 405, 405, 405, 401),
    ("API tokens",                     "/api/v1/tokens/",                                        200, 200, 200, 200, 200, 200, 401),
    ("API token, own",                 "/api/v1/tokens/{own_token}/",                            200, 200, 200, 200, 200, 200, 401),
    ("organisation: people",           "/organisation/people/",                                  200, 200, 200, 403, 403, 403, 302),
    ("organisation: people, searched", "/organisation/people/?q=a&status=active&team={team_contenu}", 200, 200, 200, 403, 403, 403, 302),
    ("organisation: add a person",     "/organisation/people/new/",                              200, 200, 200, 403, 403, 403, 302),
    ("organisation: a person",         "/organisation/people/{me}/",                             200, 200, 200, 403, 403, 403, 302),
    ("organisation: deactivate",       "/organisation/people/{me}/deactivate/",                  200, 200, 200, 403, 403, 403, 302),
    ("organisation: add team (POST)",  "/organisation/people/{me}/teams/",                       405, 405, 405, 405, 405, 405, 302),
    ("organisation: reactivate (POST)", "/organisation/people/{me}/reactivate/",                 405, 405, 405, 405, 405, 405, 302),
    ("organisation: hand over (POST)", "/organisation/people/{me}/hand-over/",                   405, 405, 405, 405, 405, 405, 302),
    ("organisation: invite (POST)",    "/organisation/people/{me}/invite/",                      405, 405, 405, 405, 405, 405, 302),
    ("organisation: leave a team (POST)", "/organisation/memberships/999999/remove/",            405, 405, 405, 405, 405, 405, 302),
    ("organisation: invitations",      "/organisation/invitations/",                             200, 200, 200, 403, 403, 403, 302),
    ("organisation: resend (POST)",    "/organisation/invitations/999999/resend/",               405, 405, 405, 405, 405, 405, 302),
    ("organisation: revoke (POST)",    "/organisation/invitations/999999/revoke/",               405, 405, 405, 405, 405, 405, 302),
    ("organisation: teams",            "/organisation/teams/",                                   200, 200, 200, 403, 403, 403, 302),
    ("organisation: teams, searched",  "/organisation/teams/?q=co&open={team_marketing}",        200, 200, 200, 403, 403, 403, 302),
    ("organisation: team branch without htmx", "/organisation/teams/{team_marketing}/branch/",   302, 302, 302, 403, 403, 403, 302),
    ("organisation: a team",           "/organisation/teams/{team_contenu}/",                    200, 200, 200, 403, 403, 403, 302),
    ("organisation: delete team (POST)", "/organisation/teams/{team_contenu}/delete/",           405, 405, 405, 405, 405, 405, 302),
    ("organisation: import",           "/organisation/import/",                                  200, 200, 200, 403, 403, 403, 302),
    ("invitation, bad link",           "/invitations/bad-token/",                                410, 410, 410, 410, 410, 410, 410),
    ("team chat channels",             "/integrations/teams/{team_contenu}/channels/",           200, 200, 200, 200, 403, 403, 302),
    ("chat channel test (POST only)",  "/integrations/channels/999999/test/",                    405, 405, 405, 405, 405, 405, 302),
    ("chat channel remove (POST only)", "/integrations/channels/999999/delete/",                 405, 405, 405, 405, 405, 405, 302),
    ("webhooks",                       "/integrations/webhooks/",                                200, 200, 200, 403, 403, 403, 302),
    ("webhook, unknown",               "/integrations/webhooks/999999/",                         404, 404, 404, 403, 403, 403, 302),
    ("webhook delete (POST only)",     "/integrations/webhooks/999999/delete/",                  405, 405, 405, 405, 405, 405, 302),
    ("API webhooks",                   "/api/v1/webhooks/",                                      200, 200, 200, 403, 403, 403, 401),
    ("API webhook, unknown",           "/api/v1/webhooks/999999/",                               404, 404, 404, 403, 403, 403, 401),
    ("API webhook deliveries, unknown", "/api/v1/webhooks/999999/deliveries/",                   404, 404, 404, 403, 403, 403, 401),
    ("API memberships",                "/api/v1/memberships/",                                   200, 200, 200, 200, 200, 200, 401),
    ("API membership, unknown",        "/api/v1/memberships/999999/",                            404, 404, 404, 404, 404, 404, 401),
    ("API org import (POST only)",     "/api/v1/org-import/",                                    405, 405, 405, 405, 405, 405, 401),
    ("admin",                          "/admin/",                                                200, 200, 200, 302, 302, 302, 302),
    ("picker search, people",          "/pickers/people/?q=a",                                   200, 200, 200, 200, 200, 200, 302),
    ("picker search, teams",           "/pickers/teams/?q=e",                                    200, 200, 200, 200, 200, 200, 302),
    ("picker search, KPI teams",       "/pickers/kpi-teams/",                                    200, 200, 200, 200, 200, 200, 302),
    ("picker search, parents",         "/pickers/objectives/?cycle={cycle_active}&q=a",          200, 200, 200, 200, 200, 200, 302),
    ("picker search, KPI owners",      "/pickers/kpi-objective-owners/?team={team_contenu}",     200, 200, 200, 200, 200, 200, 302),
    ("picker search, mentions",        "/pickers/mention-people/?kind=key-result&id={kr_camille}&q=a", 200, 200, 200, 200, 200, 200, 302),
    ("picker search, mentions, private", "/pickers/mention-people/?kind=key-result&id={kr_private}", 200, 200, 200, 200, 200, 200, 302),
    ("picker search, unknown",         "/pickers/nothing/",                                      404, 404, 404, 404, 404, 404, 302),
    ("SSO login, SSO not configured",  "/accounts/oidc/company/login/",                          404, 404, 404, 404, 404, 404, 404),
    ("SSO callback, not configured",   "/accounts/oidc/company/login/callback/",                 404, 404, 404, 404, 404, 404, 404),
    ("admin sign-in",                  "/admin/login/",                                          302, 302, 302, 200, 200, 200, 200),
    ("page not found",                 "/this-page-does-not-exist/",                             404, 404, 404, 404, 404, 404, 404),
    ("liveness probe",                 "/healthz",                                               200, 200, 200, 200, 200, 200, 200),
    ("readiness probe",                "/readyz",                                                200, 200, 200, 200, 200, 200, 200),
    ("metrics, no METRICS_TOKEN set",  "/metrics",                                               404, 404, 404, 404, 404, 404, 404),
    # Last: ?cycle= is remembered in the session, so the closed cycle's pages come at the end.
    ("dashboard, closed cycle",        "/?cycle={cycle_closed}",                                 200, 200, 200, 200, 200, 200, 302),
    ("OKR board, closed cycle",        "/okrs/?cycle={cycle_closed}",                            200, 200, 200, 200, 200, 200, 302),
    ("alignment, closed cycle",        "/okrs/alignment/?cycle={cycle_closed}",                  200, 200, 200, 200, 200, 200, 302),
    ("team page, closed cycle",        "/teams/{team_contenu}/?cycle={cycle_closed}",            200, 200, 200, 200, 200, 200, 302),
    ("person page, closed cycle",      "/people/{me}/?cycle={cycle_closed}",                     200, 200, 200, 200, 200, 200, 302),
    # A closed cycle remembered in the session never blocks creating an objective (issue 12).
    ("new objective, closed cycle",    "/okrs/new/?cycle={cycle_closed}",                        200, 200, 200, 200, 200, 200, 302),
]
# fmt: on
ROLE_NAMES = list(ROLES)
# URL names fetched by other steps than PAGES: the admin site (walked from its index).
NOT_IN_PAGES = {"admin"}
NOT_FOUND_TITLE = {"fr": "Page introuvable", "en": "Page not found"}
# On every HTML answer, whoever asks (settings.py; django-csp).
SECURITY_HEADERS = {
    "content-security-policy": "script-src 'self'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
}
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")


# --- The demo's ids --------------------------------------------------------------------------


def demo_ids() -> tuple[dict[str, object], dict[str, dict[str, int]]]:
    """The ids PAGES refers to, and each role's own (its person, for {me})."""
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrapp.settings")
    import django

    django.setup()
    from checkins.models import CheckIn
    from kpis.models import KPI, KeyResultLink
    from objectives.models import Initiative, Objective
    from okrapp.core.models import Cycle, Team, User
    from okrapp.demo import kpis as demo_kpis
    from okrapp.demo import objectives as demo_objectives

    okrs = {okr.key: okr for okr in demo_objectives.ACTIVE + demo_objectives.CLOSED}
    active = Cycle.objects.get(status=Cycle.Status.ACTIVE)
    closed = Cycle.objects.exclude(status__in=[Cycle.Status.ACTIVE, Cycle.Status.PLANNING]).latest(
        "start_date"
    )

    def objective(key: str) -> Objective:
        cycle = closed if okrs[key] in demo_objectives.CLOSED else active
        return Objective.objects.get(cycle=cycle, title=okrs[key].title)

    def first_key_result(key: str) -> int:
        return objective(key).key_results.order_by("position", "pk").first().pk

    kpi_names = {spec["owner"]: spec["name"] for spec in demo_kpis.KPIS}
    camille = User.objects.get(email=ROLES["member"])
    kr_camille = first_key_result("camille")
    checkin = CheckIn.objects.filter(key_result_id=kr_camille).order_by("-created_at", "-id")[0]
    assert checkin.author_id == camille.pk, "the demo's latest check-in is not the member's"
    kpi_member = KPI.objects.get(name=kpi_names["camille.petit"])
    ids: dict[str, object] = {
        "cycle_active": active.pk,
        "cycle_closed": closed.pk,
        "team_company": Team.objects.get(parent=None).pk,
        "team_marketing": Team.objects.get(name="Marketing").pk,
        "team_contenu": Team.objects.get(name="Contenu & communauté").pk,
        "each_team": list(Team.objects.order_by("path").values_list("pk", flat=True)),
        "each_person": list(User.objects.order_by("pk").values_list("pk", flat=True)),
        "obj_company": objective("digital").pk,
        "obj_newsletter": objective("newsletter").pk,
        "obj_camille": objective("camille").pk,
        "obj_hugo": objective("hugo").pk,
        "obj_private": objective("nathan").pk,
        "obj_closed": objective("camille_closed").pk,
        "kr_newsletter": first_key_result("newsletter"),
        "kr_camille": kr_camille,
        "kr_private": first_key_result("nathan"),
        "kr_closed": first_key_result("camille_closed"),
        "kr_linked": KeyResultLink.objects.get(kpi__name=demo_kpis.BRIDGED_KPI).key_result_id,
        "initiative": Initiative.objects.order_by("pk").first().pk,
        "checkin": checkin.pk,
        "kpi_member": kpi_member.pk,
        "kpi_english": KPI.objects.get(name=kpi_names["hugo.simon"]).pk,
        "measurement": kpi_member.measurements.order_by("-period_date").first().pk,
    }
    assert Objective.objects.get(pk=ids["obj_private"]).visibility == "private"
    own = {
        role: {"me": User.objects.get(email=email).pk if email else 0, "own_token": 0}
        for role, email in ROLES.items()
    }
    return ids, own


def check_pages_cover_the_url_conf() -> list[str]:
    """Every named URL of the project (but the admin's) has a row in PAGES."""
    from django.urls import URLPattern, URLResolver, get_resolver, resolve

    def names(resolver: URLResolver, namespace: str = ""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                if inner in NOT_IN_PAGES:
                    continue
                yield from names(pattern, f"{namespace}{inner}:" if inner else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name

    covered = set()
    for _page, path, *_ in PAGES:
        path = re.sub(r"\{[a-z_]+\}", "1", path).split("?")[0]
        try:
            covered.add(resolve(path).view_name)
        except Exception:
            continue
    missing = sorted(set(names(get_resolver())) - covered)
    return [f"no row in PAGES for the URL {name!r}" for name in missing]


# --- HTTP --------------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def is_html(self) -> bool:
        return self.headers.get("content-type", "").startswith("text/html")


class Client:
    """A browser's worth of HTTP: cookies kept, redirects not followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.requests = 0
        self.language = "fr"  # the interface language the pages must be in

    def request(self, path: str, data: dict[str, str] | None = None) -> Answer:
        url = urllib.parse.urljoin(self.base_url, path)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)
        request.add_header("Accept", "text/html,application/json;q=0.9,*/*;q=0.8")
        request.add_header("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5")
        if body is not None:
            request.add_header("Origin", self.base_url.rstrip("/"))
            request.add_header("Referer", url)
        self.requests += 1
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, _headers(response), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, _headers(error), error.read())

    def cookie(self, name: str) -> http.cookiejar.Cookie | None:
        return next((cookie for cookie in self.jar if cookie.name == name), None)


def _headers(response) -> dict[str, str]:
    return {key.lower(): value for key, value in response.headers.items()}


def form_csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


class AssetParser(HTMLParser):
    """The static files a page names: stylesheets, icons, scripts, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        name = {"link": "href", "script": "src", "img": "src", "source": "src"}.get(tag)
        if name and values.get(name):
            self.urls.append(values[name])


# --- The run ---------------------------------------------------------------------------------


@dataclass
class Smoke:
    base_url: str
    ids: dict[str, object]
    own: dict[str, dict[str, int]]
    static_url: str = "/static/"
    failures: list[str] = field(default_factory=list)
    fetched: dict[str, int] = field(default_factory=dict)
    assets: dict[str, int] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)

    def fail(self, role: str, page: str, path: str, problem: str) -> None:
        self.failures.append(f"[{role}] {page} {path}: {problem}")
        print(f"FAIL [{role}] {page} {path}: {problem}", flush=True)

    def expect(
        self, client: Client, role: str, page: str, path: str, expected: int, data=None
    ) -> Answer:
        answer = client.request(path, data)
        self.fetched[role] = self.fetched.get(role, 0) + 1
        if answer.status >= 500 or answer.status != expected:
            self.fail(role, page, path, f"expected {expected}, got {answer.status}")
        elif expected == 302 and role == "anonymous":
            location = answer.headers.get("location", "")
            if "/login/?next=" not in location:
                self.fail(role, page, path, f"redirects to {location!r}, not a sign-in page")
        if answer.is_html:
            self.check_html(client, role, page, path, answer)
        return answer

    def check_html(self, client: Client, role: str, page: str, path: str, answer: Answer):
        for header, value in SECURITY_HEADERS.items():
            if value not in answer.headers.get(header, ""):
                self.fail(role, page, path, f"no {header}: {value}")
        parser = AssetParser()
        parser.feed(answer.text)
        if parser.lang is not None and parser.lang.split("-")[0] != client.language:
            self.fail(role, page, path, f'<html lang="{parser.lang}">, not "{client.language}"')
        for url in parser.urls:
            parsed = urllib.parse.urlsplit(urllib.parse.urljoin(path, url))
            if parsed.netloc and parsed.netloc != urllib.parse.urlsplit(self.base_url).netloc:
                self.fail(role, page, path, f"names a file elsewhere: {url}")
            elif parsed.path.startswith(self.static_url):
                self.check_asset(client, role, page, parsed.path)
            else:  # a script the application serves itself (Swagger UI's initialiser)
                self.check_asset(client, role, page, urllib.parse.urlunsplit(parsed), False)

    def check_asset(self, client: Client, role: str, page: str, url: str, static=True):
        if url in self.assets:
            return
        if static and not HASHED.search(url):
            self.assets[url] = 0
            self.fail(role, page, url, "a static file named without its manifest hash")
            return
        answer = client.request(url)
        self.assets[url] = answer.status
        if answer.status != 200:
            self.fail(role, page, url, f"static file: expected 200, got {answer.status}")
            return
        if static and "immutable" not in answer.headers.get("cache-control", ""):
            cache = answer.headers.get("cache-control")
            self.fail(role, page, url, f"static file not cached as immutable ({cache!r})")
        if url.endswith((".css", ".js")):
            text = answer.text
            named = (
                re.findall(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""", text)
                if url.endswith(".css")
                else []
            )
            named += re.findall(r"[#@] sourceMappingURL=(\S+?)(?:\s*\*/)?\s*$", text, re.M)
            for reference in named:
                if reference.startswith(("data:", "#", "http:", "https:", "//")):
                    continue
                target = urllib.parse.urlsplit(urllib.parse.urljoin(url, reference)).path
                self.check_asset(client, role, f"{page} → {url}", target)

    def sign_in(self, client: Client, role: str, email: str) -> bool:
        page = self.expect(client, role, "login form", "/accounts/login/", 200)
        token = form_csrf_token(page.text)
        if not token:
            self.fail(role, "login form", "/accounts/login/", "no CSRF token in the form")
            return False
        answer = self.expect(
            client,
            role,
            "sign in",
            "/accounts/login/",
            302,
            {
                "csrfmiddlewaretoken": token,
                "username": email,
                "password": PASSWORDS.get(role, PASSWORD),
                "next": "",
            },
        )
        session = client.cookie("sessionid")
        if answer.status != 302 or session is None:
            self.fail(role, "sign in", "/accounts/login/", "no session after signing in")
            return False
        if not session.has_nonstandard_attr("HttpOnly"):
            self.fail(role, "sign in", "/accounts/login/", "the session cookie is not HttpOnly")
        client.language = LANGUAGE.get(role, "fr")
        return True

    def create_token(self, client: Client, role: str) -> None:
        """Create an API token on the profile page (the page that shows its secret once)."""
        profile = client.request("/profile/")
        answer = self.expect(
            client,
            role,
            "create a token",
            "/profile/tokens/",
            200,
            {"csrfmiddlewaretoken": form_csrf_token(profile.text), "token-name": "prod-smoke"},
        )
        if 'id="new-token-secret">okr_' not in answer.text:
            self.fail(role, "create a token", "/profile/tokens/", "no new secret on the page")
        tokens = client.request("/api/v1/tokens/?ordering=-created_at")
        if tokens.status == 200:
            self.own[role]["own_token"] = json.loads(tokens.body)["results"][0]["id"]

    def walk_admin(self, client: Client, role: str) -> None:
        """Every model of the admin index: its list, its add page (if the index offers one)
        and its first change page."""
        index = client.request("/admin/").text
        lists = sorted(set(re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/)"', index)))
        if not lists:
            self.fail(role, "admin", "/admin/", "no model listed on the admin index")
        for changelist in lists:
            page = self.expect(client, role, "admin list", changelist, 200)
            if f'href="{changelist}add/"' in index:  # models one may add to (not jobs)
                self.expect(client, role, "admin add", f"{changelist}add/", 200)
            first = re.search(rf'href="({re.escape(changelist)}\d+/change/)', page.text)
            if first:
                self.expect(client, role, "admin change", first.group(1), 200)

    def sign_out(self, client: Client, role: str) -> None:
        token = form_csrf_token(client.request("/profile/").text)
        data = {"csrfmiddlewaretoken": token}
        answer = self.expect(client, role, "sign out", "/accounts/logout/", 302, data)
        if answer.headers.get("location") != "/accounts/login/":
            self.fail(role, "sign out", "/accounts/logout/", "not sent to the login page")
        client.language = "fr"
        self.expect(client, role, "signed out: dashboard", "/", 302)
        if client.cookie("sessionid") is not None:
            self.fail(role, "sign out", "/accounts/logout/", "the session cookie is still set")

    def run_role(self, role: str) -> None:
        client = Client(self.base_url)
        self.clients.append(client)
        email = ROLES[role]
        if email is not None:
            if not self.sign_in(client, role, email):
                return
            self.create_token(client, role)
        column = ROLE_NAMES.index(role) + 2
        values = {**self.ids, **self.own[role]}
        for row in PAGES:
            page, template, expected = row[0], row[1], row[column]
            for path in expand(template, values):
                answer = self.expect(client, role, page, path, expected)
                if page == "page not found" and answer.status == 404:
                    title = NOT_FOUND_TITLE[client.language]
                    if f"<h1>{title}</h1>" not in answer.text:
                        self.fail(role, page, path, f"not the site's 404 page ({title!r})")
        if role in ADMINS:
            self.walk_admin(client, role)
        if email is not None:
            self.sign_out(client, role)


def expand(template: str, values: dict[str, object]) -> list[str]:
    """The path with its ids; a list value ({each_team}) gives one path per id."""
    lists = {key: value for key, value in values.items() if isinstance(value, list)}
    for key, many in lists.items():
        if "{" + key + "}" in template:
            return [template.format(**{**values, key: one}) for one in many]
    return [template.format(**values)]


def main() -> int:
    base_url = sys.argv[1].rstrip("/") + "/"
    started = time.monotonic()
    ids, own = demo_ids()
    from django.conf import settings

    smoke = Smoke(base_url, ids, own, static_url="/" + settings.STATIC_URL.lstrip("/"))
    smoke.failures.extend(check_pages_cover_the_url_conf())
    for problem in smoke.failures:
        print(f"FAIL {problem}", flush=True)
    roles = [role for role, email in ROLES.items() if email or role == "anonymous"]
    for role in sorted(set(ROLES) - set(roles)):
        print(f"{role}: not signed in as (PROD_SMOKE_FIRST_ADMIN is not set)")
    # The roles run side by side, as people do; each has its own cookies.
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(smoke.run_role, roles))
    for role, count in smoke.fetched.items():
        print(f"{role:>9}: {count} pages")
    requests = sum(client.requests for client in smoke.clients)
    print(
        f"{sum(smoke.fetched.values())} pages fetched for {len(roles)} roles "
        f"({len(PAGES)} rows in PAGES), "
        f"{len(smoke.assets)} static files, {requests} requests in "
        f"{time.monotonic() - started:.1f} s"
    )
    if smoke.failures:
        print(f"\n{len(smoke.failures)} failure(s):")
        for problem in smoke.failures:
            print(f"  {problem}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
