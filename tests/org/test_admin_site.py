"""The Django admin carries the product's name and hides Celery beat's tables."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from okrapp.core.admin import hide_beat_tables

pytestmark = pytest.mark.django_db


def test_the_admin_is_titled_with_the_products_name(client, site_admin):
    client.force_login(site_admin)
    page = client.get("/admin/").content.decode()
    assert "OKR &amp; KPI" in page
    assert "Django" not in page.split("<title>")[1].split("</title>")[0]


def test_celery_beats_tables_are_hidden_from_the_admin(client, site_admin):
    client.force_login(site_admin)
    assert not admin.site.is_registered(PeriodicTask)
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 404


def test_an_environment_switch_shows_celery_beats_tables(settings):
    settings.ADMIN_SHOW_BEAT_TABLES = True
    from django_celery_beat.admin import CrontabScheduleAdmin

    admin.site.register(CrontabSchedule, CrontabScheduleAdmin)
    try:
        hide_beat_tables()
        assert admin.site.is_registered(CrontabSchedule)
    finally:
        admin.site.unregister(CrontabSchedule)
