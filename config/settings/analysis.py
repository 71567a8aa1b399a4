"""Analysis settings: which analyzer, which model, chunking, budget."""

from analysis.redaction import kinds_parse
from config.env import EnvError, env_float, env_int, env_str

ANTHROPIC_API_KEY = env_str("ANTHROPIC_API_KEY")
ANTHROPIC_BASE_URL = env_str("ANTHROPIC_BASE_URL")
CLAUDE_MODEL = env_str("CLAUDE_MODEL", "claude-sonnet-5-5")
# claude when a key is set, offline otherwise; `offline` is labelled as such everywhere it is shown.
ANALYZER = env_str("ANALYZER", "claude" if ANTHROPIC_API_KEY else "offline").strip().lower()
if ANALYZER not in {"claude", "offline"}:
    raise EnvError(f"ANALYZER must be 'claude' or 'offline', not {ANALYZER!r}")
if ANALYZER == "claude" and not ANTHROPIC_API_KEY:
    raise EnvError("ANALYZER=claude needs ANTHROPIC_API_KEY (or leave ANALYZER unset to run the offline analyzer)")
# The company whose reps are coached, as the analysis instructions name it (blank: "a B2B sales team").
SELLER_NAME = env_str("SELLER_NAME")
CLAUDE_TIMEOUT_S = env_float("CLAUDE_TIMEOUT_S", 300.0)
CLAUDE_MAX_RETRIES = env_int("CLAUDE_MAX_RETRIES", 4)
CLAUDE_MAX_OUTPUT_TOKENS = env_int("CLAUDE_MAX_OUTPUT_TOKENS", 8000)
# output_config.effort (low | medium | high | …; empty = not sent, for models without effort): bounds adaptive
# thinking, which is billed as output. Scoring against anchored rubrics needs little of it.
CLAUDE_EFFORT = env_str("CLAUDE_EFFORT", "low")
# How long Anthropic keeps the rubric/KB prefix cached: 5m (writes 1.25x input), 1h (2x), none (no cache_control,
# plain input), or auto: 5m while calls come more often than every 5 minutes, 1h while a 1-hour write is read
# often enough to pay (median gap under ~56 minutes), else none — chunked analyses still 5m for their own chunks
# (analysis/services/cache_ttl.py). Batches always use 1h.
CLAUDE_PROMPT_CACHE_TTL = env_str("CLAUDE_PROMPT_CACHE_TTL", "auto").strip().lower()
if CLAUDE_PROMPT_CACHE_TTL not in {"auto", "5m", "1h", "none"}:
    raise EnvError(f"CLAUDE_PROMPT_CACHE_TTL must be auto, 5m, 1h or none, not {CLAUDE_PROMPT_CACHE_TTL!r}")

# Chunk budget in RAW transcript tokens (the words said, not our speaker tags): a call within it is one request.
ANALYSIS_CHUNK_TOKENS = env_int("ANALYSIS_CHUNK_TOKENS", 80_000)
ANALYSIS_CHUNK_OVERLAP = env_float("ANALYSIS_CHUNK_OVERLAP", 0.2)
if ANALYSIS_CHUNK_TOKENS < 1000 or not 0 <= ANALYSIS_CHUNK_OVERLAP < 0.5:
    raise EnvError("ANALYSIS_CHUNK_TOKENS must be ≥ 1000 and ANALYSIS_CHUNK_OVERLAP in [0, 0.5)")
# Short calls through the Message Batches API (half price; results when the batch ends — minutes, up to 24 h —
# instead of seconds): a call the pipeline coaches automatically whose transcript has fewer RAW tokens than this
# is submitted as a batch. 0 = off (the default: see README, "Short calls and Message Batches").
ANALYSIS_BATCH_BELOW_TOKENS = env_int("ANALYSIS_BATCH_BELOW_TOKENS", 0)
if ANALYSIS_BATCH_BELOW_TOKENS < 0:
    raise EnvError(f"ANALYSIS_BATCH_BELOW_TOKENS must be 0 (off) or a token count, not {ANALYSIS_BATCH_BELOW_TOKENS}")
# The rendered transcript shows [mm:ss] on a turn at least this many seconds after the last time shown.
ANALYSIS_RENDER_CLOCK_S = env_int("ANALYSIS_RENDER_CLOCK_S", 300)
# A claimed analysis not finished after this long is re-claimed by the sweep.
ANALYSIS_CLAIM_TIMEOUT_S = env_int("ANALYSIS_CLAIM_TIMEOUT_S", 900)
# Monthly Claude budget in USD (0 = no limit); new analyses wait when it is reached.
ANALYSIS_MONTHLY_BUDGET_USD = env_float("ANALYSIS_MONTHLY_BUDGET_USD", 0.0)
ANALYSIS_BUDGET_WARN_RATIO = env_float("ANALYSIS_BUDGET_WARN_RATIO", 0.8)
# Product documents above this many (estimated) tokens are ranked by overlap with the call; the rest left out.
ANALYSIS_KB_MAX_TOKENS = env_int("ANALYSIS_KB_MAX_TOKENS", 12_000)
# A worker that finds another worker analysing the same cache key waits this long for its result.
ANALYSIS_WAIT_S = env_float("ANALYSIS_WAIT_S", 120.0)
# Expected output tokens per scored speaker per request, for --dry-run estimates only.
ANALYSIS_OUTPUT_TOKENS_PER_SPEAKER = env_int("ANALYSIS_OUTPUT_TOKENS_PER_SPEAKER", 700)
# A call whose analysis claim went stale this many times (each worker killed or past the task timeout) fails with
# that reason instead of being paid for again; 0 = no limit.
ANALYSIS_MAX_ATTEMPTS = env_int("ANALYSIS_MAX_ATTEMPTS", 3)

# PII redaction before anything is sent to Claude (analysis/redaction.py): "all" (default), "off", or some of
# email,phone,card,iban,account,ssn. The stored transcript keeps the original; the setting is in the cache key.
try:
    PII_REDACTION_KINDS = kinds_parse(env_str("PII_REDACTION", "all"))
except ValueError as exc:
    raise EnvError(f"PII_REDACTION: {exc}") from exc
