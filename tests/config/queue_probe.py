"""A task the tests hand to a real `manage.py qcluster`: what its database connection says about itself."""

from __future__ import annotations

from django.db import connection


def connection_settings() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('synchronous_commit'), current_setting('application_name')")
        synchronous_commit, application_name = cursor.fetchone()
    return {"synchronous_commit": synchronous_commit, "application_name": application_name}
