"""Fixtures shared by the coaching tests."""

from tests.coaching.calibration_world import calibrated_week  # noqa: F401 - a fixture, used by name
