from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def my_week(request: HttpRequest) -> HttpResponse:
    return render(request, "okrapp/dashboard.html", {})


def notifications(request: HttpRequest) -> HttpResponse:
    return render(request, "okrapp/dashboard.html", {})
