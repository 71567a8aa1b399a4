"""The house date formats (FORMAT_MODULE_PATH = ["config.formats"]): Django's own rendering — admin lists and
change forms, `{{ value|date }}`, date_hierarchy — reads these instead of the locale's "Dec. 3, 2026, 2:05 p.m.",
so every page writes "3 Dec 2026" and "3 Dec 2026, 14:05" (core.display uses the same names).
Input formats are left alone: forms keep accepting ISO dates."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j M"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday, as ISO weeks and the weekly review
