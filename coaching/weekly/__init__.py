"""Weekly coaching reviews: leftovers analysed, metrics per rep and team, stored, rendered and mailed.

Entry points: `weekly_review_run` (service, also behind `manage.py weekly_review` and the schedule),
`coaching.weekly.tasks.weekly_review_scheduled` (queue), `review_render` (HTML + text of stored metrics).
"""
