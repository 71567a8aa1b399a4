"""Commands end bad input with one clear line (CommandError: exit 1, no traceback), never a Python error."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories.gong import GongUserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("week", ["0001-W01", "9999-W52", "2026-W54", "26-W1"])
def test_weekly_review_with_an_impossible_week_says_so_in_one_line(week):
    with pytest.raises(CommandError) as error:
        call_command("weekly_review", week=week, dry_run=True)
    assert week in str(error.value) and "\n" not in str(error.value)


@pytest.fixture
def rep():
    get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    return GongUserFactory()


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01", "0001-01-03"), ("9999-12-25", "9999-12-31"), ("1969-12-31", "2026-01-01")]
)
def test_export_with_extreme_dates_says_which_date_is_out_of_range(rep, start, end):
    with pytest.raises(CommandError) as error:
        call_command("export_coaching_report", "--subject", rep.pk, "--as", "root", "--start", start, "--end", end)
    assert "out of range" in str(error.value) and "\n" not in str(error.value)


def test_export_into_a_missing_folder_says_so(rep, tmp_path):
    target = tmp_path / "nope" / "report.md"
    with pytest.raises(CommandError) as error:
        call_command(
            "export_coaching_report", "--subject", rep.pk, "--as", "root", "--start", "2026-01-05",
            "--end", "2026-01-11", "--out", str(target),
        )  # fmt: skip
    assert str(error.value).startswith(f"No folder {target.parent}") and not target.parent.exists()


def test_export_into_an_existing_folder_writes_the_file(rep, tmp_path):
    call_command(
        "export_coaching_report", "--subject", rep.pk, "--as", "root", "--start", "2026-01-05", "--end", "2026-01-11",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert len(list(tmp_path.glob("coaching-rep-*.md"))) == 1
