"""Analysis settings: which analyzer, which model, chunking, budget."""

from config.env import env_float, env_int, env_str

ANTHROPIC_API_KEY = env_str("ANTHROPIC_API_KEY")
ANTHROPIC_BASE_URL = env_str("ANTHROPIC_BASE_URL")
CLAUDE_MODEL = env_str("CLAUDE_MODEL", "claude-sonnet-5-5")
# claude when a key is set, offline otherwise; `offline` is labelled as such everywhere it is shown.
ANALYZER = env_str("ANALYZER", "claude" if ANTHROPIC_API_KEY else "offline")
CLAUDE_TIMEOUT_S = env_float("CLAUDE_TIMEOUT_S", 300.0)
CLAUDE_MAX_RETRIES = env_int("CLAUDE_MAX_RETRIES", 4)
CLAUDE_MAX_OUTPUT_TOKENS = env_int("CLAUDE_MAX_OUTPUT_TOKENS", 8000)
# 5m (1.25x write price) or 1h (2x): how long Anthropic keeps the rubric/KB prefix cached.
CLAUDE_PROMPT_CACHE_TTL = env_str("CLAUDE_PROMPT_CACHE_TTL", "5m")

ANALYSIS_CHUNK_TOKENS = env_int("ANALYSIS_CHUNK_TOKENS", 80_000)
ANALYSIS_CHUNK_OVERLAP = env_float("ANALYSIS_CHUNK_OVERLAP", 0.2)
# A claimed analysis not finished after this long is re-claimed by the sweep.
ANALYSIS_CLAIM_TIMEOUT_S = env_int("ANALYSIS_CLAIM_TIMEOUT_S", 900)
# Monthly Claude budget in USD (0 = no limit); new analyses wait when it is reached.
ANALYSIS_MONTHLY_BUDGET_USD = env_float("ANALYSIS_MONTHLY_BUDGET_USD", 0.0)
ANALYSIS_BUDGET_WARN_RATIO = env_float("ANALYSIS_BUDGET_WARN_RATIO", 0.8)
