"""The WSGI application (gunicorn; runserver too). With DEBUG off it refuses to start on a
placeholder or short SECRET_KEY, or without ALLOWED_HOSTS (okrapp.settings.production_refusals),
rather than serve a site whose sessions anyone could forge or that answers no host."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrapp.settings")
application = get_wsgi_application()

if settings.PRODUCTION_REFUSALS:
    raise ImproperlyConfigured(
        "Refusing to serve with DEBUG off:\n- " + "\n- ".join(settings.PRODUCTION_REFUSALS.values())
    )
