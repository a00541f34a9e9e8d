"""A slow job's work for the killed-worker test (tests/waw/test_job_worker.py): it writes rows
inside one transaction, slowly, and says when it is halfway, so the test can kill the worker
with the transaction open. Not collected by pytest (no test_ prefix)."""

import os
import time
from pathlib import Path

from django.db import transaction

from waw.jobs import Outcome
from waw.models import Municipality


def work(job, progress):
    with transaction.atomic():
        for n in range(200):
            Municipality.objects.create(name=f"Halverwege {n}", slug=f"halverwege-{n}")
            progress(n + 1, 200)
            if n == 5:
                Path(os.environ["SLOW_JOB_MARKER"]).write_text("inside")
            time.sleep(0.1)
    return Outcome(ok=True)
