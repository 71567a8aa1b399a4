"""Calibration: how far to trust the scores. Managers' Gong scorecards as reference scores (mapping.py,
agreement.py) and deal outcomes as validity (outcomes.py); sync.py runs the daily sync."""
