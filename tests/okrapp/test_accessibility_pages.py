"""The axe test (tests/browser/test_accessibility.py) visits every page of the URL conf."""

from __future__ import annotations

import re

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from tests.browser.test_accessibility import (
    NOT_PAGES,
    PAGES,
    ROLES,
    SETTINGS,
    SIGNED_OUT,
    pages_for,
)

# Not the product's own pages: the REST API (JSON, and drf-spectacular's Swagger page) and
# Django's admin site.
OUTSIDE = {"api/", "admin/"}


def url_names(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern) in OUTSIDE:
                continue
            inner = entry.namespace or ""
            yield from url_names(entry, f"{namespace}{inner}:" if inner else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def visited_names() -> set[str]:
    paths = [path for _label, path, _roles in PAGES] + [path for _label, path in SIGNED_OUT]
    names = set()
    for path in paths:
        concrete = re.sub(r"\{[a-z_]+\}", "1", path.split("?")[0])
        try:
            names.add(resolve(concrete).view_name)
        except Resolver404:  # the page-not-found page
            continue
    return names


def test_every_page_of_the_url_conf_is_checked_by_axe():
    missing = set(url_names(get_resolver())) - visited_names() - NOT_PAGES
    assert not missing, f"pages axe does not visit: {sorted(missing)}"


def test_what_is_not_a_page_still_names_a_url():
    assert set(url_names(get_resolver())) >= NOT_PAGES


def test_every_page_is_seen_in_every_setting_by_every_role_that_opens_it():
    for label, path, roles in PAGES:
        seen = [
            (role[0], setting)
            for setting in range(len(SETTINGS))
            for role in ROLES
            if (label, path) in pages_for(role, setting)
        ]
        assert {setting for _role, setting in seen} == set(range(len(SETTINGS))), label
        assert {role for role, _setting in seen} == set(roles), label
