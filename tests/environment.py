"""Loaded with `-p` before pytest-django reads the settings: test defaults for the environment."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-use-0123456789abcdef")
os.environ.setdefault("SECURE_HTTPS", "false")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("KPI_SECRETS_KEY", "n2Xn0bNqJ1pQ8yq3vJ4fE0i8m3G7yVtq6XkGm1Zr2lE=")
os.environ.setdefault("INTEGRATIONS_SECRETS_KEY", "pQ4GX9GrmvXwD3r0YdQ7m3xV8yQ2bT5nK1cLhZ6sJwE=")
