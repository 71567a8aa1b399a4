"""The coaching portal in the admin. Registered here (not in gong/admin.py) because every list, search,
detail and autocomplete is filtered by coaching.access, which gong may not import (layering)."""

from coaching.admin import calibration, calls, reps, results  # noqa: F401 - importing registers the ModelAdmins
