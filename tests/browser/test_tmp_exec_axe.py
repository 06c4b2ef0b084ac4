import pytest

from tests.browser.test_accessibility import ROLES, check_pages, demo  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MINE = {
    "dashboard",
    "dashboard, a team",
    "needs attention",
    "needs attention, filtered",
    "quarterly report",
    "quarterly report, a team",
    "quarterly report, closed cycle",
    "person page",
    "team page, a team",
    "key result, team",
    "objective, team",
    "KPI",
}


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(("language", "width"), [("fr", 1280), ("en", 375)])
def test_mine(page, live_server, demo, role, language, width):
    check_pages(page, live_server, role, language, width, demo, only=MINE)
