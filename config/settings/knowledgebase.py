"""Knowledge-base settings."""

from config.env import env_int

# How many product-doc versions (by relevance to the call) go into the analysis prompt.
KB_MAX_DOCS_IN_PROMPT = env_int("KB_MAX_DOCS_IN_PROMPT", 12)
