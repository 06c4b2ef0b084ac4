"""After a form, `next` leads only to a page of this site."""

from __future__ import annotations

import pytest

from okrapp.core.navigation import safe_next_url


@pytest.mark.parametrize("candidate", ["/checkins/", "/okrs/?cycle=2"])
def test_a_next_url_of_this_site_is_followed(rf, candidate):
    request = rf.post("/", {"next": candidate})
    assert safe_next_url(request, "/fallback/") == candidate


@pytest.mark.parametrize(
    "candidate",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "", "-12", "dashboard"],
)
def test_a_next_url_elsewhere_falls_back(rf, candidate):
    request = rf.post("/", {"next": candidate})
    assert safe_next_url(request, "/fallback/") == "/fallback/"


def test_a_stored_url_is_checked_the_same_way(rf):
    request = rf.get("/")
    assert safe_next_url(request, "/fallback/", candidate="https://evil.example/") == "/fallback/"
