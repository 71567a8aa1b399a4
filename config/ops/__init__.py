"""Ops pages in the admin (costs, pipeline, Gong quota), the budget banner and alert, and the retry service.

`config` is the top layer, so this package may read every app's selectors and call every app's services.
"""
