"""gunicorn settings (`gunicorn config.wsgi -c config/gunicorn.py`); GUNICORN_* env vars override.

Threaded workers (gthread) with many threads: a client that sends its headers and then trickles its body holds
one thread until the body is in (gunicorn hands the socket to a thread once data arrives, and the WSGI app reads
the body from it). 2 workers × 40 threads keep /healthz and webhooks answering with 32 such clients connected
(bench/slow_clients.py); beyond that, the reverse proxy must buffer request bodies (README, Deploying). An idle
thread costs little, and threads hold no database connection of their own: a request borrows one from its worker's
pool (DB_POOL_MAX_SIZE, config/database.py), so a web host opens at most workers × DB_POOL_MAX_SIZE connections.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "40"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT_S", "30"))
accesslog = "-"
# The webhook URL key (`?key=`) and any other credential in a URL never reach the access or error log.
logger_class = "config.gunicorn_logger.RedactingLogger"


def child_exit(server, worker):
    # Multi-process Prometheus metrics: drop the dead worker's live gauges.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
