"""Throwaway databases for benchmarks: created next to the configured one, the dev database untouched.

(Not a benchmark itself: `make bench` runs bench/*.py except files starting with an underscore.)
"""

from __future__ import annotations

import os


def _server_conninfo() -> dict:
    from config.env import database_url, parse_database_url

    db = parse_database_url(os.environ.get("DATABASE_URL") or database_url())
    conninfo = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"]}
    return {**{k: v for k, v in conninfo.items() if v}, "dbname": "postgres"}


def bench_database_create(name: str) -> str:
    """(Re)create database `name` on the configured server, point DATABASE_URL at it; returns its URL."""
    import psycopg

    from config.env import database_url, parse_database_url

    with psycopg.connect(**_server_conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    db = parse_database_url(database_url())
    user = f"{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@" if db["USER"] else ""
    host = db["HOST"] if db["HOST"] and not db["HOST"].startswith("/") else "127.0.0.1"
    query = f"?host={db['HOST']}" if db["HOST"].startswith("/") else ""
    url = f"postgres://{user}{host}:{db['PORT'] or 5432}/{name}{query}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    return url


def bench_database_drop(name: str) -> None:
    """Close Django's connections (if Django is set up) and drop database `name`."""
    import psycopg

    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: S110 - Django not configured: nothing to close
        pass
    with psycopg.connect(**_server_conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
