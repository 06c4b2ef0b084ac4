"""factory_boy factories for every model; tests build exactly the rows they need."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from checkins.models import CheckIn
from kpis.models import KPI, KeyResultLink, Measurement
from objectives.models import Initiative, KeyResult, Objective
from okrapp.core.models import Cycle, Membership, Team, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def company_team() -> Team:
    return Team.objects.filter(parent__isnull=True).first() or Team.objects.create(name="ACME")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    parent = factory.LazyFunction(company_team)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Membership.Role.MEMBER
    is_primary = True


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    name = factory.Sequence(lambda n: f"T{n % 4 + 1} {2020 + n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=45))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=90))
    status = Cycle.Status.ACTIVE


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    cycle = factory.SubFactory(CycleFactory)
    title = factory.Sequence(lambda n: f"Our customers love us, chapter {n}")
    level = Objective.Level.TEAM
    owner = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    kind = Objective.Kind.COMMITTED
    visibility = Objective.Visibility.PUBLIC


class KeyResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyResult
        skip_postgeneration_save = True

    objective = factory.SubFactory(ObjectiveFactory)
    title = factory.Sequence(lambda n: f"Reach {n} active subscribers")
    owner = factory.LazyAttribute(lambda o: o.objective.owner)
    kind = KeyResult.Kind.NUMERIC
    start_value = Decimal(0)
    target_value = Decimal(100)
    current_value = Decimal(0)
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def kpi(self, create: bool, kpi, **kwargs) -> None:
        """`KeyResultFactory(kpi=…)` links the key result to that KPI (kpis.KeyResultLink)."""
        if create and kpi is not None:
            KeyResultLink.objects.create(key_result=self, kpi=kpi)


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    key_result = factory.SubFactory(KeyResultFactory)
    title = factory.Sequence(lambda n: f"Launch campaign {n}")


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    key_result = factory.SubFactory(KeyResultFactory)
    author = factory.LazyAttribute(lambda o: o.key_result.owner)
    value = Decimal(10)
    confidence = "on_track"


class KPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPI

    name = factory.Sequence(lambda n: f"Newsletter open rate {n}")
    definition = "Unique opens divided by delivered emails, per month."
    unit = "%"
    target_value = Decimal(50)
    data_source = "Emailing tool"
    frequency = KPI.Frequency.MONTHLY
    owner = factory.SubFactory(UserFactory)
    team = factory.LazyFunction(company_team)


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    kpi = factory.SubFactory(KPIFactory)
    period_date = factory.LazyFunction(timezone.localdate)
    value = Decimal(40)
