"""Files through the running server (gunicorn, as bench/run.py starts it), local storage:

- a 10 MB upload and its download: time and throughput;
- a 200 MB upload while the server's workers' memory is sampled every 10 ms: the peak above
  idle (the target: within 50 MB, because uploads stream into storage chunk by chunk).

Usage: files_bench.py PORT HOST GUNICORN_PID; prints one JSON line.
"""

import http.client
import json
import os
import secrets
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
BLOCK = secrets.token_bytes(MB)  # incompressible, and the same block repeated


def _headers(auth: dict, host: str) -> dict:
    cookie = f"sessionid={auth['admin_session']}; csrftoken={auth['csrf_cookie']}"
    return {"Host": host, "Cookie": cookie, "X-CSRFToken": auth["csrf_token"], "Referer": f"http://{host}/files/"}


def upload(port: int, host: str, auth: dict, megabytes: int) -> float:
    boundary = secrets.token_hex(16)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nbench\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench-{megabytes}.txt"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    # Text, so it passes the document allow-list: the block as hex is still incompressible.
    chunk = BLOCK.hex().encode()[:MB]
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = _headers(auth, host) | {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(len(head) + megabytes * MB + len(tail)),
    }
    start = time.perf_counter()
    connection.putrequest("POST", "/files/upload/", skip_host=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(head)
    for _ in range(megabytes):
        connection.send(chunk)
    connection.send(tail)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    if response.status != 302:
        raise SystemExit(f"upload answered {response.status}")
    return elapsed


def download(port: int, host: str, auth: dict, file_id: str) -> tuple[float, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    start = time.perf_counter()
    connection.request("GET", f"/files/{file_id}/download/", headers=_headers(auth, host))
    response = connection.getresponse()
    size = 0
    while block := response.read(MB):
        size += len(block)
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise SystemExit(f"download answered {response.status}")
    return elapsed, size


def newest_file_id() -> str:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
    import django

    django.setup()
    from apps.files.models import File
    from apps.tenants.models import Organization

    with Organization.objects.get(subdomain="sunrise"):
        return str(File.objects.order_by("-uploaded_at").values_list("pk", flat=True).first())


def workers_rss(master: psutil.Process) -> int:
    return sum(child.memory_info().rss for child in master.children())


def main() -> None:
    port, host, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    auth = json.loads((ROOT / "bench" / "results" / ".auth.json").read_text())
    master = psutil.Process(pid)

    upload(port, host, auth, 1)  # warm both workers' imports
    upload(port, host, auth, 1)
    runs = []
    for _ in range(3):
        up = upload(port, host, auth, 10)
        down, size = download(port, host, auth, newest_file_id())
        assert size == 10 * MB, size
        runs.append((up, down))
    up, down = sorted(runs, key=lambda r: r[0] + r[1])[1]

    time.sleep(1)
    idle = workers_rss(master)
    peak = idle
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, workers_rss(master))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    big = upload(port, host, auth, 200)
    done.set()
    sampler.join()
    print(
        json.dumps(
            {
                "upload_10mb_s": round(up, 3),
                "download_10mb_s": round(down, 3),
                "upload_mb_per_s": round(10 / up, 1),
                "download_mb_per_s": round(10 / down, 1),
                "round_trip_mb_per_s": round(10 / (up + down), 1),
                "upload_200mb_s": round(big, 2),
                "workers_idle_mb": round(idle / MB, 1),
                "workers_peak_above_idle_mb": round((peak - idle) / MB, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
