"""The client's address, as the sign-in lock-out counts it."""

from __future__ import annotations

from django.test import RequestFactory

from okrapp.core.throttling import client_ip


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
