"""Knowledge-base settings. (None yet: how much of the KB goes into a prompt is an analysis setting,
ANALYSIS_KB_MAX_TOKENS.)"""

# The page that re-scores recent calls with a rubric draft (scoring lives above the knowledge base, so the KB admin
# names it by dotted path). Not an environment variable: it is wiring, not configuration.
KB_RUBRIC_PREVIEW_VIEW = "coaching.views_rubric.rubric_draft_rescore_page"
