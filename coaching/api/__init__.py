"""The read-only REST API for BI tools at /api/v1/: calls, coaching sessions, dimension scores, weekly reviews.

Authenticated by the project's hashed API tokens (`manage.py mcp_token --scope read`), each acting as its user;
every list reads through the coaching selectors, so a token sees exactly what its user sees in the admin.
"""
