"""The rate limits' building blocks: the client's address, and counting in the cache."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from okrapp.core import throttling
from okrapp.core.throttling import client_ip, over_limit, parse_rate


def request_from(remote_addr: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_a_proxy_the_connections_address_is_the_clients(settings):
    settings.PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.9", "10.0.0.1")) == "203.0.113.9"


def test_behind_one_proxy_the_address_it_saw_is_the_clients(settings):
    settings.PROXY_COUNT = 1
    request = request_from("172.18.0.2", "10.0.0.1, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


def test_behind_two_proxies_the_outer_ones_address_is_the_clients(settings):
    settings.PROXY_COUNT = 2
    request = request_from("172.18.0.2", "10.0.0.1, 203.0.113.9, 172.18.0.3")
    assert client_ip(request) == "203.0.113.9"


def test_behind_a_proxy_a_request_without_forwarding_counts_by_its_connection(settings):
    settings.PROXY_COUNT = 1
    assert client_ip(request_from("172.18.0.2")) == "172.18.0.2"


def test_a_rate_reads_as_a_count_per_period():
    assert parse_rate("5/hour") == (5, 3600)
    assert parse_rate("60/minute") == (60, 60)


def test_requests_up_to_the_limit_pass_and_the_next_does_not():
    assert [over_limit("test", "key", "3/hour") for _ in range(4)] == [False] * 3 + [True]


def test_each_key_has_its_own_count():
    for _ in range(3):
        over_limit("test", "one", "3/hour")
    assert over_limit("test", "other", "3/hour") is False


def test_a_new_window_starts_a_new_count(monkeypatch):
    monkeypatch.setattr(throttling.time, "time", lambda: 7200.0)
    for _ in range(3):
        over_limit("test", "key", "3/hour")
    monkeypatch.setattr(throttling.time, "time", lambda: 10800.0)
    assert over_limit("test", "key", "3/hour") is False


@pytest.mark.django_db
def test_the_database_cache_counts_as_well(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "okr_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    assert [over_limit("test", "key", "2/hour") for _ in range(3)] == [False, False, True]
