"""gunicorn settings shared by the Dockerfile and `make bench`; each can be overridden by env."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads keep HTTP keep-alive connections and overlap database waits; the work is
# mostly short queries, so a few threads per process beat more processes on 2 cores.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "1") == "1"
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = 60
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
