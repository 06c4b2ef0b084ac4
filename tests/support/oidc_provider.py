"""A small but real OpenID Connect provider for the single sign-on tests, on 127.0.0.1.

It speaks the standard over HTTP as Entra ID, Google or Keycloak do: a discovery document,
its signing keys (JWKS), an authorization endpoint with its own sign-in form, a token
endpoint (authorization code, client secret, PKCE S256) answering an ID token signed with
RS256 (joserfc, Authlib's JOSE library), and a userinfo endpoint. Nothing of allauth or of
the product is mocked: the product discovers it, redirects the browser to it, exchanges the
code and checks the signature like with any provider.

    provider = OIDCProvider(client_id="okr", client_secret="s3cret")
    provider.start()
    provider.add_person("lea@example.org", name="Léa", email_verified=True, locale="fr-FR")
    ...
    provider.stop()
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from joserfc import jwt
from joserfc.jwk import RSAKey


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@dataclass
class _Grant:
    sub: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    expires: float


@dataclass
class OIDCProvider:
    client_id: str
    client_secret: str
    people: dict[str, dict] = field(default_factory=dict)
    url: str = ""
    # Every token request, to let a test see that the exchange really happened.
    token_requests: int = 0

    def __post_init__(self) -> None:
        self._key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self._codes: dict[str, _Grant] = {}
        self._tokens: dict[str, str] = {}
        self._server = None
        self._thread = None

    # --- Running it ---------------------------------------------------------------------

    def start(self) -> OIDCProvider:
        self._server = make_server(
            "127.0.0.1", 0, self, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def add_person(self, email: str, *, name: str, email_verified: bool = True, **claims) -> str:
        """Someone who may sign in at the provider; returns their subject identifier."""
        sub = claims.pop("sub", None) or "sub-" + hashlib.sha256(email.encode()).hexdigest()[:16]
        self.people[email] = {
            "sub": sub,
            "email": email,
            "email_verified": email_verified,
            "name": name,
            **claims,
        }
        return sub

    # --- WSGI ---------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        method = environ["REQUEST_METHOD"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        form = {}
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
        routes = {
            "/.well-known/openid-configuration": self._discovery,
            "/jwks": self._jwks,
            "/authorize": self._authorize,
            "/token": self._token,
            "/userinfo": self._userinfo,
        }
        handler = routes.get(path)
        if handler is None:
            status, headers, body = HTTPStatus.NOT_FOUND, [], b"not found"
        else:
            status, headers, body = handler(environ, method, query, form)
        start_response(f"{status.value} {status.phrase}", headers)
        return [body]

    @staticmethod
    def _json(data: dict, status: HTTPStatus = HTTPStatus.OK):
        return status, [("Content-Type", "application/json")], json.dumps(data).encode()

    def _discovery(self, environ, method, query, form):
        return self._json(
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "profile", "email"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "client_secret_basic",
                ],
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": ["sub", "email", "email_verified", "name", "locale"],
            }
        )

    def _jwks(self, environ, method, query, form):
        return self._json({"keys": [self._key.as_dict(private=False)]})

    def _authorize(self, environ, method, query, form):
        params = form if method == "POST" else query
        if params.get("client_id") != self.client_id or params.get("response_type") != "code":
            return HTTPStatus.BAD_REQUEST, [("Content-Type", "text/plain")], b"invalid_request"
        if "openid" not in params.get("scope", "").split():
            return HTTPStatus.BAD_REQUEST, [("Content-Type", "text/plain")], b"invalid_scope"
        error = ""
        if method == "POST":
            if form.get("action") == "cancel":
                return self._back(params, {"error": "access_denied"})
            person = self.people.get(form.get("email", "").strip())
            if person is not None:
                code = secrets.token_urlsafe(24)
                self._codes[code] = _Grant(
                    sub=person["sub"],
                    redirect_uri=params["redirect_uri"],
                    nonce=params.get("nonce"),
                    code_challenge=params.get("code_challenge"),
                    expires=time.time() + 60,
                )
                return self._back(params, {"code": code})
            error = "<p role='alert'>Unknown account.</p>"
        hidden = "".join(
            f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
            for k, v in params.items()
            if k not in {"email", "action"}
        )
        page = (
            "<!doctype html><html lang='en'><head><title>Test identity provider</title></head>"
            "<body><main><h1>Test identity provider</h1>" + error + "<form method='post' "
            "action='/authorize'>" + hidden + "<label for='email'>Email</label>"
            "<input id='email' name='email' type='email' autocomplete='username'>"
            "<button type='submit' name='action' value='sign-in'>Sign in</button>"
            "<button type='submit' name='action' value='cancel'>Cancel</button>"
            "</form></main></body></html>"
        )
        return HTTPStatus.OK, [("Content-Type", "text/html; charset=utf-8")], page.encode()

    @staticmethod
    def _back(params: dict, answer: dict):
        if params.get("state"):
            answer["state"] = params["state"]
        redirect_uri = params["redirect_uri"]
        separator = "&" if urlsplit(redirect_uri).query else "?"
        return HTTPStatus.FOUND, [("Location", redirect_uri + separator + urlencode(answer))], b""

    def _client_authenticated(self, environ, form) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Basic "):
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        return client_id == self.client_id and secrets.compare_digest(secret, self.client_secret)

    def _token(self, environ, method, query, form):
        self.token_requests += 1
        if method != "POST" or not self._client_authenticated(environ, form):
            return self._json({"error": "invalid_client"}, HTTPStatus.UNAUTHORIZED)
        grant = self._codes.pop(form.get("code", ""), None)
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant.expires < time.time()
            or grant.redirect_uri != form.get("redirect_uri")
        ):
            return self._json({"error": "invalid_grant"}, HTTPStatus.BAD_REQUEST)
        if grant.code_challenge:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant.code_challenge:
                return self._json({"error": "invalid_grant"}, HTTPStatus.BAD_REQUEST)
        claims = self._claims(grant.sub)
        now = int(time.time())
        id_claims = {
            **claims,
            "iss": self.url,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
        }
        if grant.nonce:
            id_claims["nonce"] = grant.nonce
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, id_claims, self._key)
        access_token = secrets.token_urlsafe(24)
        self._tokens[access_token] = grant.sub
        return self._json(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }
        )

    def _claims(self, sub: str) -> dict:
        return next(person for person in self.people.values() if person["sub"] == sub)

    def _userinfo(self, environ, method, query, form):
        header = environ.get("HTTP_AUTHORIZATION", "")
        sub = self._tokens.get(header.removeprefix("Bearer "))
        if sub is None:
            return self._json({"error": "invalid_token"}, HTTPStatus.UNAUTHORIZED)
        return self._json(self._claims(sub))
