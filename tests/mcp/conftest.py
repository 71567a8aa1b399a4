"""MCP test helpers: a seeded world (committed, because tools run in FastMCP's worker threads with their own
database connections), an in-memory client acting as a user, and a real HTTP server on a free port."""

from __future__ import annotations

import asyncio
import functools
import json
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from django.core.management import call_command
from django.db import connection, connections
from fastmcp import Client

from mcp_bridge.permissions import ApiTokenVerifier
from mcp_bridge.server import build_server
from tests.mcp.seed import world_build


def pytest_collection_modifyitems(items):
    # The marker makes pytest-django create the test database; each test's own transaction only wraps the
    # main thread, so writes a tool must see are made with `committed` (another thread, its own connection).
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.django_db)


def committed(fn, *args, **kwargs):
    """Run fn in a fresh thread (own connection, autocommit) so its writes are visible to the tools."""
    result: list = []

    def run():
        try:
            result.append(fn(*args, **kwargs))
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert result, "committed() call failed (see the thread's traceback above)"
    return result[0]


@pytest.fixture(autouse=True, scope="session")
def _short_lived_worker_connections():
    # Worker threads open their own connections; with CONN_MAX_AGE=0 tool_scope closes them after each call,
    # so none is left open when the test database is flushed or dropped.
    db = connections.settings["default"]
    previous, db["CONN_MAX_AGE"] = db.get("CONN_MAX_AGE", 0), 0
    yield
    db["CONN_MAX_AGE"] = previous


@pytest.fixture(autouse=True)
def _database(django_db_blocker):
    # The tools run in FastMCP's worker threads, outside any test transaction, so these tests work on committed
    # rows: each module builds its world once and flushes it at the end (like TransactionTestCase does).
    with django_db_blocker.unblock():
        yield


@contextmanager
def committed_module_data(django_db_blocker):
    """Committed rows for one module, then the database as migrations left it (groups and permissions from
    data migrations included, as TransactionTestCase's serialized_rollback does), so later tests see no trace."""
    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(snapshot)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with committed_module_data(django_db_blocker), django_db_blocker.unblock():
        yield world_build()


def call_not_found(call_id: str) -> str:
    return f"Call {call_id} not found (or not visible to you); find call ids with search_calls."


def rep_not_found(ref: str) -> str:
    return f"Rep {ref} not found (or not visible to you); name a rep by email, full name or Gong user id."


@dataclass
class ToolAnswer:
    is_error: bool
    text: str

    @property
    def data(self) -> dict:
        assert not self.is_error, self.text
        return json.loads(self.text)


async def _call(target, name: str, arguments: dict, auth: str | None = None) -> ToolAnswer:
    async with Client(target, auth=auth) as client:
        result = await client.call_tool(name, arguments, raise_on_error=False)
    return ToolAnswer(is_error=result.is_error, text=result.content[0].text if result.content else "")


@functools.cache
def server_for(user_id: int):
    """One server per acting user (building one registers nine tools: worth doing once)."""
    return build_server(user_id=user_id)


def call_as(user, name: str, arguments: dict | None = None) -> ToolAnswer:
    """Call one tool in memory, acting as `user` (as a stdio server started with --user would)."""
    return asyncio.run(_call(server_for(user.pk), name, arguments or {}))


def list_tools_as(user) -> list:
    async def _list():
        async with Client(server_for(user.pk)) as client:
            return await client.list_tools()

    return asyncio.run(_list())


@dataclass
class HttpServer:
    url: str
    server: uvicorn.Server

    def call(self, name: str, arguments: dict, *, token: str) -> ToolAnswer:
        return asyncio.run(_call(self.url, name, arguments, auth=token))

    def list_tools(self, *, token: str) -> list:
        async def _list():
            async with Client(self.url, auth=token) as client:
                return await client.list_tools()

        return asyncio.run(_list())


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def served(app, sock: socket.socket):
    """Serve an ASGI app on a bound socket in a thread until the block ends."""
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "MCP HTTP server did not start"
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def http_server(world):
    sock = free_socket()
    port = sock.getsockname()[1]
    with served(build_server(auth=ApiTokenVerifier()).http_app(path="/mcp"), sock) as server:
        yield HttpServer(url=f"http://127.0.0.1:{port}/mcp", server=server)
