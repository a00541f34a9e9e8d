"""Jobs through the real queue: the database backend and a real `manage.py db_worker` process,
on a SQLite file of their own (the worker is another process, so it cannot see a test's
transaction). One job runs to its end; one worker is killed with SIGKILL halfway through a
write, and the job ends failed with nothing written and its input file gone."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETUP = "import django; django.setup()\n"
CSV = (
    "voornaam;achternaam;geboortedatum;gemeente;project;aanmelddatum\r\n"
    "Zoë;Jansen;04-03-1995;Huizen;Wijkleerbedrijf;2025-01-10\r\n"
    "Piet;Bakker;1960-12-31;Huizen;Wijkleerbedrijf;2025-01-06\r\n"
)
START_IMPORT = """
from pathlib import Path
from django.db import transaction
from tests.factories import ProjectFactory
from waw import jobs
from waw.models import Job, Municipality
Municipality.objects.create(name="Huizen", slug="huizen")
ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
with transaction.atomic():
    job = jobs.start_job(
        kind=Job.Kind.TRAJECTORY_IMPORT, key="import", input_file=Path({path!r})
    )
print(job.pk)
"""


def environment(folder: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "TASKS_BACKEND", "JOB_INPUT_DIR", "MEDIA_ROOT"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="waw.settings",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        SLOW_JOB_MARKER=str(folder / "inside"),
        PYTHONPATH=str(ROOT),
    )
    return env


def run_python(env, code, timeout=120) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SETUP + textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("queue")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=environment(folder),
        capture_output=True,
        timeout=300,
        check=True,
    )
    return folder / "db.sqlite3"


@pytest.fixture
def site(migrated, tmp_path):
    shutil.copy(migrated, tmp_path / "db.sqlite3")
    return tmp_path


def query(site, sql, *params):
    with sqlite3.connect(site / "db.sqlite3") as db:
        return db.execute(sql, params).fetchall()


def start_import(site, env) -> int:
    source = site / "aanmeldingen.csv"
    source.write_text(CSV, encoding="utf-8")
    return int(run_python(env, START_IMPORT.format(path=str(source))).strip().splitlines()[-1])


def worker(env, *arguments, slow=False):
    code = SETUP
    if slow:
        code += "from waw import jobs\njobs.WORK['trajectory_import'] = 'tests.waw.slow_job.work'\n"
    code += (
        "from django.core.management import call_command\n"
        f"call_command('db_worker', '--no-startup-delay', '--interval', '0.1', '--no-reload', "
        f"{', '.join(repr(a) for a in arguments)})\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def input_files(site):
    folder = site / "media" / "job-input"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_a_real_worker_runs_a_queued_import_to_its_end(site):
    env = environment(site)
    job = start_import(site, env)
    assert query(site, "select status from waw_job where id = ?", job) == [("queued",)]
    assert len(input_files(site)) == 1

    process = worker(env, "--batch")
    assert process.wait(timeout=120) == 0

    status, done, total, outcome = query(
        site, "select status, done, total, outcome from waw_job where id = ?", job
    )[0]
    assert (status, done, total) == ("done", 2, 2), outcome
    assert query(site, "select count(*) from participants_trajectory") == [(2,)]
    assert query(site, "select status from django_tasks_database_dbtaskresult") == [("SUCCESSFUL",)]
    assert input_files(site) == []


def test_a_worker_killed_halfway_leaves_the_job_failed_nothing_written_and_no_file(site):
    env = environment(site)
    job = start_import(site, env)
    municipalities = query(site, "select count(*) from waw_municipality")
    process = worker(env, slow=True)
    try:
        deadline = time.monotonic() + 60
        while not (site / "inside").exists():
            assert time.monotonic() < deadline, "the worker never started the job"
            assert process.poll() is None, "the worker stopped by itself"
            time.sleep(0.05)
        assert query(site, "select status from waw_job where id = ?", job) == [("running",)]
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    # What any later reader does first (a page, the next job, the health page).
    run_python(env, "from waw.jobs import reap_stale; print(reap_stale())")

    status, error, finished = query(
        site, "select status, error, finished_at from waw_job where id = ?", job
    )[0]
    assert status == "failed" and finished is not None
    assert error.startswith("De taakverwerker is gestopt terwijl deze taak liep")
    assert query(site, "select count(*) from waw_municipality") == municipalities
    assert query(site, "select status from django_tasks_database_dbtaskresult") == [("FAILED",)]
    assert input_files(site) == []


@pytest.fixture(scope="module")
def postgres_site(tmp_path_factory):
    """A database of its own on the PostgreSQL server the suite runs against (CI's second run)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the progress of an open transaction is PostgreSQL's (DATABASE_URL)")
    import psycopg2

    base = url.rsplit("/", 1)[0]
    name = f"waw_jobs_{os.getpid()}"
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    folder = tmp_path_factory.mktemp("pg")
    env = {**environment(folder), "DATABASE_URL": f"{base}/{name}"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
        check=True,
    )
    yield folder, env, f"{base}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_on_postgresql_progress_shows_while_the_work_is_still_uncommitted(postgres_site):
    import psycopg2

    folder, env, url = postgres_site
    job = start_import(folder, env)
    process = worker(env, "--batch", slow=True)
    seen = []
    try:
        with psycopg2.connect(url) as db:
            db.autocommit = True
            deadline = time.monotonic() + 60
            while len(seen) < 3:
                assert time.monotonic() < deadline, seen
                with db.cursor() as cursor:
                    cursor.execute(
                        "select done, (select count(*) from waw_municipality where slug like "
                        "'halverwege-%%') from waw_job where id = %s",
                        [job],
                    )
                    done, written = cursor.fetchone()
                if 0 < done < 200 and (not seen or done > seen[-1][0]):
                    seen.append((done, written))
                time.sleep(0.2)
        assert process.wait(timeout=120) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    # The bar moved three times while none of the work's rows were visible yet.
    assert [written for _done, written in seen] == [0, 0, 0]
