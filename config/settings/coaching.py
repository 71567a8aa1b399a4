"""Coaching settings: weekly reviews, skill gaps, email."""

from config.env import env_bool, env_float, env_int, env_list, env_str

WEEKLY_REVIEW_DAY = env_str("WEEKLY_REVIEW_DAY", "mon")
WEEKLY_REVIEW_HOUR = env_int("WEEKLY_REVIEW_HOUR", 7)
WEEKLY_REVIEW_TIME_ZONE = env_str("WEEKLY_REVIEW_TIME_ZONE", "UTC")
SKILL_GAP_THRESHOLD = env_float("SKILL_GAP_THRESHOLD", 3.0)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "callcoach <callcoach@localhost>")
OPS_ALERT_EMAILS = env_list("OPS_ALERT_EMAILS")

# Weekly review: how long to wait for the week's leftover calls (Message Batches) and how often to poll.
# Keep the wait below Q_TIMEOUT_S (600 by default): the scheduled run is a queue task. Calls still not done are
# listed as missing in the review.
WEEKLY_REVIEW_WAIT_TIMEOUT_S = env_float("WEEKLY_REVIEW_WAIT_TIMEOUT_S", 420.0)
WEEKLY_REVIEW_POLL_INTERVAL_S = env_float("WEEKLY_REVIEW_POLL_INTERVAL_S", 30.0)
