import pytest
from django.core.management import call_command
from django_q.models import Schedule

from config.schedules import schedule_specs

pytestmark = pytest.mark.django_db


def test_setup_schedules_creates_each_schedule_once(capsys):
    call_command("setup_schedules")
    call_command("setup_schedules")
    names = list(Schedule.objects.values_list("name", flat=True))
    assert sorted(names) == sorted(spec.name for spec in schedule_specs())
    assert "partitions_maintain" in names
    assert capsys.readouterr().out.strip().splitlines()[-1].endswith("0 created, 0 updated")


def test_setup_schedules_repairs_an_edited_schedule():
    call_command("setup_schedules")
    Schedule.objects.filter(name="partitions_maintain").update(func="somewhere.else")
    call_command("setup_schedules")
    assert Schedule.objects.get(name="partitions_maintain").func == "core.tasks.partitions_maintain"
