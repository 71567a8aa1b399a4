"""MCP bridge settings (manage.py run_mcp_server)."""

from config.env import env_float, env_int, env_str

# Bind address of `run_mcp_server --transport http` (put TLS in front before exposing it beyond localhost).
MCP_HTTP_HOST = env_str("MCP_HTTP_HOST", "127.0.0.1")
MCP_HTTP_PORT = env_int("MCP_HTTP_PORT", 8001)
# Cap per tool response (estimated as len(json)/4), below Claude Desktop's 25K-token limit.
MCP_MAX_RESPONSE_TOKENS = env_int("MCP_MAX_RESPONSE_TOKENS", 20_000)
# How long analyze_call waits for an on-demand analysis before answering "queued".
MCP_ANALYZE_TIMEOUT_S = env_float("MCP_ANALYZE_TIMEOUT_S", 20.0)
