"""The SQL queries behind each answer, for `make bench` only: the bench starts its gunicorn
with BENCH_QUERY_HEADER=true, which puts this middleware first (okrapp/settings.py), and
reads the count from the X-Bench-Queries header. Never on in production: a header that says
how much work a page took helps no user and tells an attacker which pages are heavy."""

from __future__ import annotations

from django.db import connection

HEADER = "X-Bench-Queries"


class QueryCountHeaderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response
