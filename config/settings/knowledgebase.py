"""Knowledge-base settings. (None yet: how much of the KB goes into a prompt is an analysis setting,
ANALYSIS_KB_MAX_TOKENS.)"""
