"""gunicorn settings (`gunicorn config.wsgi -c config/gunicorn.py`); GUNICORN_* env vars override."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT_S", "30"))
accesslog = "-"


def child_exit(server, worker):
    # Multi-process Prometheus metrics: drop the dead worker's live gauges.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
