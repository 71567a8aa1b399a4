"""Ops: the admin's Costs, Pipeline and Gong quota pages, the budget banner and alert, the retry service,
the /healthz and /metrics extras and the data checks (`manage.py check_data`).

An app of its own above coaching (beside mcp_bridge) in the layers contract: it reads every app's selectors and
reports and writes only through their services.
"""
