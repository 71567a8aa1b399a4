"""Gong settings: API credentials, webhook authentication, quota, fetching and polling."""

from config.env import env_bool, env_float, env_int, env_list, env_str

GONG_BASE_URL = env_str("GONG_BASE_URL", "https://api.gong.io").rstrip("/")
GONG_ACCESS_KEY = env_str("GONG_ACCESS_KEY")
GONG_ACCESS_KEY_SECRET = env_str("GONG_ACCESS_KEY_SECRET")
GONG_TIMEOUT_S = env_float("GONG_TIMEOUT_S", 30.0)
GONG_MAX_RETRIES = env_int("GONG_MAX_RETRIES", 5)

# Webhook authentication: a method is on when its secret is set; with none set the endpoint answers 503.
# Public keys: the bare base64 SPKI DER Gong shows ("Show public key") or PEM; several separated by commas.
GONG_WEBHOOK_PUBLIC_KEY = env_list("GONG_WEBHOOK_PUBLIC_KEY")
GONG_WEBHOOK_URL_KEY = env_str("GONG_WEBHOOK_URL_KEY")
GONG_WEBHOOK_HMAC_SECRET = env_str("GONG_WEBHOOK_HMAC_SECRET")
# The exact URL configured in the Gong rule; when set, the JWT `webhook_url` claim must match it.
GONG_WEBHOOK_PUBLIC_URL = env_str("GONG_WEBHOOK_PUBLIC_URL")
GONG_WEBHOOK_MAX_BYTES = env_int("GONG_WEBHOOK_MAX_BYTES", 5 * 1024 * 1024)
GONG_WEBHOOK_JWT_LEEWAY_S = env_int("GONG_WEBHOOK_JWT_LEEWAY_S", 30)

# Gong's limits are company-wide: 3 requests/second and 10,000/day. We stop before the daily budget.
GONG_RATE_PER_SECOND = env_float("GONG_RATE_PER_SECOND", 3.0)
GONG_DAILY_BUDGET = env_int("GONG_DAILY_BUDGET", 9_000)
GONG_FETCH_BATCH_SIZE = env_int("GONG_FETCH_BATCH_SIZE", 100)
# Gong processes calls late: keep asking for a missing transcript with backoff for this long, then fail.
GONG_TRANSCRIPT_WAIT_HOURS = env_float("GONG_TRANSCRIPT_WAIT_HOURS", 24.0)
GONG_ANALYZE_PRIVATE_CALLS = env_bool("GONG_ANALYZE_PRIVATE_CALLS", False)
GONG_ANALYZE_INTERNAL_CALLS = env_bool("GONG_ANALYZE_INTERNAL_CALLS", False)
GONG_SYNC_LOOKBACK_HOURS = env_int("GONG_SYNC_LOOKBACK_HOURS", 36)

# Hand transcribed calls to analysis (`coaching.tasks.call_coach`) right away; off → the analysis sweep finds them.
GONG_ENQUEUE_ANALYSIS = env_bool("GONG_ENQUEUE_ANALYSIS", True)
# A fetch claim older than this (the worker died mid-fetch) is taken over by the next fetch.
GONG_FETCH_CLAIM_TIMEOUT_S = env_int("GONG_FETCH_CLAIM_TIMEOUT_S", 600)
# Debounce: a fetch waits until no webhook arrived for this long (or the batch is full, or the oldest pending call
# waited GONG_FETCH_MAX_DELAY_S), so a burst of deliveries becomes one batched Gong request, not one per call.
GONG_FETCH_DEBOUNCE_S = env_float("GONG_FETCH_DEBOUNCE_S", 2.0)
GONG_FETCH_MAX_DELAY_S = env_float("GONG_FETCH_MAX_DELAY_S", 20.0)
# Batching window for a trickle of deliveries (Gong fires each webhook when it has processed that call, spread
# over the day): webhook-delivered calls wait until the oldest of them has waited this long (or a batch is full),
# then all of them go in one request. 300 s turns ~1 request per call into one per 5 minutes of arrivals; the
# minute sweep picks them up. 0 = fetch as soon as the debounce allows (the demo and the reliability suite).
GONG_FETCH_WINDOW_S = env_float("GONG_FETCH_WINDOW_S", 300.0)
# Longest Retry-After we sleep through inside a request; longer (e.g. the daily quota) raises GongRateLimited.
GONG_MAX_RETRY_WAIT_S = env_float("GONG_MAX_RETRY_WAIT_S", 60.0)

# Calibration (managers' Gong scorecards and deal outcomes), synced daily by coaching.tasks.calibration_sync.
# Scorecards reviewed in the last N days are re-read (a manager may review or edit a review days later).
GONG_SCORECARDS_LOOKBACK_DAYS = env_int("GONG_SCORECARDS_LOOKBACK_DAYS", 14)
# At most this many calls (one per still-open opportunity) are re-read per day for their deal's state "now":
# 100 calls per /v2/calls/extensive request, so the default costs at most 20 requests a day.
GONG_OUTCOMES_MAX_CALLS = env_int("GONG_OUTCOMES_MAX_CALLS", 2000)
# CRM stage names that mean a deal is won / lost (case and spaces ignored); Salesforce's IsWon/IsClosed win.
OUTCOME_WON_STAGES = env_list("OUTCOME_WON_STAGES", ["Closed Won", "Won"])
OUTCOME_LOST_STAGES = env_list("OUTCOME_LOST_STAGES", ["Closed Lost", "Lost"])
