"""gunicorn reads this file from its working directory (/app in the image, the checkout for
make and CI). Each worker process is a separate Python: prometheus-client writes the request
metrics of all of them into one folder, and /metrics adds them up whichever worker answers."""

import glob
import os
import shutil
import tempfile

_own_folder = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_folder:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="okr-metrics-")
metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]


def on_starting(server):
    # Counts of a previous run's workers would be added to this run's.
    os.makedirs(metrics_dir, exist_ok=True)
    for path in glob.glob(os.path.join(metrics_dir, "*.db")):
        os.remove(path)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_folder:
        shutil.rmtree(metrics_dir, ignore_errors=True)
