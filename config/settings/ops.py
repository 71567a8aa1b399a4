"""Ops settings: the pipeline view's "stuck" threshold and the budget alert email."""

from config.env import env_bool, env_float, env_int

# A call in a non-final status (pending, fetching, transcribed, analyzing) untouched for this long is "stuck".
OPS_STUCK_AFTER_MINUTES = env_int("OPS_STUCK_AFTER_MINUTES", 60)
# Email OPS_ALERT_EMAILS (config/settings/coaching.py) once per month when the Claude budget crosses the
# warning ratio, and once when it is reached.
OPS_BUDGET_ALERT_EMAIL = env_bool("OPS_BUDGET_ALERT_EMAIL", True)
# How long the admin banner may reuse a budget reading (one ledger aggregate per page otherwise).
OPS_BUDGET_BANNER_CACHE_S = env_int("OPS_BUDGET_BANNER_CACHE_S", 60)
# The Gong quota page warns past this share of GONG_DAILY_BUDGET.
OPS_GONG_QUOTA_WARN_RATIO = env_float("OPS_GONG_QUOTA_WARN_RATIO", 0.8)
# /healthz reports the hourly Gong poll (gong.tasks.gong_sync) as stale when it has not succeeded for this long
# (informational: a Gong outage must not take the web tier out of the load balancer).
OPS_GONG_SYNC_MAX_AGE_HOURS = env_float("OPS_GONG_SYNC_MAX_AGE_HOURS", 3.0)
