"""Measuring what a person feels: the application under gunicorn on a free local port, signed
in over HTTP through the real sign-in form, every page timed interleaved with a trivial
signed-in page (the profile) in the same run, so that the ratio between the two says how much
work a page adds whatever the machine's speed or load."""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from okrapp.bench.middleware import HEADER

ROOT = Path(__file__).resolve().parents[2]
TRIVIAL = "/profile/"


@dataclass
class Page:
    key: str
    name: str
    path: str
    role: str  # "member" or "admin"
    api: bool = False


@dataclass
class Timing:
    key: str
    name: str
    path: str
    role: str
    status: int
    queries: int
    html_bytes: int
    p50_ms: float
    p95_ms: float
    trivial_p50_ms: float
    ratio: float
    first_ms: float = 0.0  # the page's first answer after a write: nothing shared cached
    warm_queries: int = 0  # the queries of the page's last answer, its shared figures cached
    samples_ms: list[float] = field(default_factory=list, repr=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(*, log: Path, workers: int = 2, env: dict[str, str] | None = None) -> Iterator[str]:
    """The application as production runs it (DEBUG off, gunicorn), on 127.0.0.1, with the
    SQL query count of each answer in a header and its log lines in `log`; yields its base
    URL."""
    port = free_port()
    environment = {
        **os.environ,
        "DEBUG": "false",
        # A production start refuses a short or published key (okrapp/wsgi.py).
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "BENCH_QUERY_HEADER": "true",
        **(env or {}),
    }
    log.parent.mkdir(parents=True, exist_ok=True)
    log_file = log.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "okrapp.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "--timeout=120",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log_file.close()


def _wait_until_up(base: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn stopped at start (exit code {process.returncode}); see its log"
            )
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:  # not listening yet, or busy starting its workers
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's cookies over real HTTP; answers are read whole, redirects not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )
        self.headers: dict[str, str] = {}

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.base + path, data=body, headers={**self.headers, **(headers or {})}
        )
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def csrf_token(self, path: str) -> str:
        _status, _headers, body = self.request(path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1).decode()

    def post(self, path: str, data: dict, *, form_page: str) -> tuple[int, float, int]:
        """POSTs a form as the page `form_page` would; returns (status, ms, queries)."""
        token = self.csrf_token(form_page)
        started = time.perf_counter()
        status, headers, _body = self.request(
            path, {**data, "csrfmiddlewaretoken": token}, {"Referer": self.base + form_page}
        )
        return status, (time.perf_counter() - started) * 1000, int(headers.get(HEADER) or 0)

    def sign_in(self, email: str, password: str) -> None:
        token = self.csrf_token("/accounts/login/")
        status, _headers, _body = self.request(
            "/accounts/login/",
            {"username": email, "password": password, "csrfmiddlewaretoken": token},
            {"Referer": self.base + "/accounts/login/"},
        )
        if status != 302:
            raise RuntimeError(f"signing in as {email} answered {status}")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _timed(browser: Browser, path: str, headers: dict | None = None):
    started = time.perf_counter()
    status, answer_headers, body = browser.request(path, headers=headers)
    return (time.perf_counter() - started) * 1000, status, answer_headers, body


def measure(
    browsers: dict[str, Browser],
    pages: list[Page],
    *,
    rounds: int,
    api_tokens: dict[str, str],
    after_a_write=None,
) -> list[Timing]:
    """Each round opens every page once, each right after the trivial page as the same
    person, so that both see the same moment of the machine. Before the rounds, each page is
    opened once right after `after_a_write()` (which leaves the shared figures cache behind,
    as any write does): that first answer gives its status, its queries and size, and the
    time a page takes when it has to compute everything."""
    page_samples: dict[str, list[float]] = {page.key: [] for page in pages}
    trivial_samples: dict[str, list[float]] = {page.key: [] for page in pages}
    first: dict[str, tuple[int, int, int, float]] = {}
    warm_queries: dict[str, int] = {}
    for page in pages:
        browser = browsers[page.role]
        _timed(browser, TRIVIAL)
        if after_a_write is not None:
            after_a_write()
        ms, status, headers, body = _timed(browser, page.path, _api_headers(page, api_tokens))
        first[page.key] = (status, int(headers.get(HEADER) or 0), len(body), ms)
    for _ in range(rounds):
        for page in pages:
            browser = browsers[page.role]
            trivial_samples[page.key].append(_timed(browser, TRIVIAL)[0])
            ms, _status, headers, _body = _timed(browser, page.path, _api_headers(page, api_tokens))
            page_samples[page.key].append(ms)
            warm_queries[page.key] = int(headers.get(HEADER) or 0)
    timings = []
    for page in pages:
        status, queries, size, first_ms = first[page.key]
        p50 = statistics.median(page_samples[page.key])
        trivial = statistics.median(trivial_samples[page.key])
        timings.append(
            Timing(
                key=page.key,
                name=page.name,
                path=page.path,
                role=page.role,
                status=status,
                queries=queries,
                html_bytes=size,
                p50_ms=round(p50, 1),
                p95_ms=round(percentile(page_samples[page.key], 0.95), 1),
                trivial_p50_ms=round(trivial, 1),
                ratio=round(p50 / trivial, 2) if trivial else 0.0,
                first_ms=round(first_ms, 1),
                warm_queries=warm_queries.get(page.key, queries),
                samples_ms=[round(sample, 1) for sample in page_samples[page.key]],
            )
        )
    return timings


def _api_headers(page: Page, api_tokens: dict[str, str]) -> dict[str, str] | None:
    if not page.api:
        return None
    return {"Authorization": f"Bearer {api_tokens[page.role]}", "Accept": "application/json"}
