"""How fast the import reads, checks and writes a large file, on SQLite and PostgreSQL.

    .venv/bin/python bench/import_speed.py                      # SQLite only
    DATABASE_URL=postgres://postgres@127.0.0.1:5442/waw .venv/bin/python bench/import_speed.py

Each measurement runs in a fresh process on a fresh, migrated database (a copy of a template),
so the peak resident memory (ru_maxrss) is that of one import; the files are generated to disk
and imported with ``path=`` (the background task's way). Sizes: 20,000 and 100,000 valid rows
(new people, a third of them with a klantnummer, a fifth started, a tenth ended) and 20,000
rows with three problems each. Prints one line per measurement and a JSON summary at the end;
bench/import-results.md holds the figures of a run.
"""

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MUNICIPALITIES = ["Huizen", "Laren", "Blaricum", "Gooise Meren", "Hilversum", "Weesp", "Wijdemeren"]
PROJECTS = ["Wijkleerbedrijf", "Ik in de kinderopvang", "Taalhuis"]
HEADER = (
    "klantnummer;voornaam;achternaam;geboortedatum;gemeente;project;aanmelddatum;startdatum;"
    "einddatum;uitkomst"
)


def write_file(path: Path, rows: int, errors: bool) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\r\n")
        for i in range(rows):
            born = dt.date(1960, 1, 1) + dt.timedelta(days=i % 15_000)
            place = MUNICIPALITIES[i % len(MUNICIPALITIES)]
            project = PROJECTS[i % len(PROJECTS)]
            enrolled = dt.date(2024, 1, 1) + dt.timedelta(days=i % 600)
            if errors:
                # An impossible date, an unknown municipality, an unknown outcome.
                out.write(
                    f";Voornaam{i};Achternaam{i};31-02-1990;Amsterdam;{project};"
                    f"{enrolled:%Y-%m-%d};{enrolled:%Y-%m-%d};{enrolled:%Y-%m-%d};geslaagd\r\n"
                )
                continue
            client = f"K-{i}" if i % 3 == 0 else ""
            started = ended = outcome = ""
            if i % 5 == 0:
                started = (enrolled + dt.timedelta(days=7)).strftime("%d-%m-%Y")
                if i % 10 == 0:
                    ended = (enrolled + dt.timedelta(days=200)).strftime("%d-%m-%Y")
                    outcome = "werk"
            out.write(
                f"{client};Voornaam{i};Achternaam{i};{born:%d-%m-%Y};{place};{project};"
                f"{enrolled:%Y-%m-%d};{started};{ended};{outcome}\r\n"
            )


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waw.settings")
    import django

    django.setup()


def prepare() -> None:
    """Child: migrate the (empty) database in DATABASE_URL and add the catalogue."""
    setup_django()
    from django.core.management import call_command

    from tests.factories import MunicipalityFactory, ProjectFactory

    call_command("migrate", verbosity=0)
    for name in MUNICIPALITIES:
        MunicipalityFactory(name=name, slug=name.lower().replace(" ", "-"))
    for name in PROJECTS:
        ProjectFactory(name=name, slug=name.lower().replace(" ", "-"))


def measure(path: str) -> None:
    """Child: import the file at ``path`` once; print the figures as JSON."""
    setup_django()
    from django.db import connection

    from participants.importing import import_trajectories
    from participants.models import Trajectory

    connection.ensure_connection()
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    calls = []
    cpu_started = time.process_time()
    started = time.perf_counter()
    result = import_trajectories(
        user=None,
        name=Path(path).name,
        path=path,
        progress=lambda done, total: calls.append((time.perf_counter() - started, done, total)),
    )
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    read_seconds = max((t for t, _, total in calls if total is None), default=seconds)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": result.rows,
                "ok": result.ok,
                "errors": len(result.errors),
                "created": result.trajectories_created,
                "in_database": Trajectory.objects.count(),
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "read_check_seconds": read_seconds,
                "ms_per_row": seconds * 1000 / max(result.rows, 1),
                "rss_before_mb": before_kb / 1024,
                "rss_peak_mb": peak_kb / 1024,
                "progress_calls": len(calls),
            }
        )
    )


def run_child(env: dict, *args) -> str:
    env = {"DEBUG": "false", **env}  # DEBUG keeps every query in memory
    done = subprocess.run(  # noqa: S603 - this script, with our own arguments
        [PYTHON, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(done.returncode)
    return done.stdout


def postgres_copy(url: str, name: str, template: str | None) -> str:
    """A fresh database next to the one of ``url`` (from ``template``, if given)."""
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if template:
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


def backends(work: Path) -> list[tuple[str, callable]]:
    """(name, fresh database URL maker) for SQLite and, with DATABASE_URL, PostgreSQL."""
    found = []
    template = work / "template.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{template}"}
    run_child(env, "--prepare")

    def sqlite(label: str) -> str:
        target = work / f"{label}.sqlite3"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"

    found.append(("SQLite", sqlite))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        template_url = postgres_copy(url, "waw_import_template", None)
        run_child({**os.environ, "DATABASE_URL": template_url}, "--prepare")
        found.append(
            (
                "PostgreSQL",
                lambda label: postgres_copy(url, f"waw_import_{label}", "waw_import_template"),
            )
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--measure")
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--error-rows", type=int, default=20_000)
    options = parser.parse_args()
    if options.prepare:
        prepare()
        return
    if options.measure:
        measure(options.measure)
        return
    work = Path(tempfile.mkdtemp(prefix="waw-import-bench-"))
    try:
        files = []
        for size in [int(s) for s in options.sizes.split(",") if s]:
            files.append((f"{size} valid", work / f"valid-{size}.csv", size, False))
        if options.error_rows:
            size = options.error_rows
            files.append((f"{size} invalid", work / f"invalid-{size}.csv", size, True))
        for _, path, size, errors in files:
            write_file(path, size, errors)
        summary = {
            "machine": (
                f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}"
            ),
            "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "results": [],
        }
        for backend, fresh in backends(work):
            for label, path, _size, _ in files:
                url = fresh(label.replace(" ", "-"))
                figures = json.loads(
                    run_child({**os.environ, "DATABASE_URL": url}, "--measure", str(path))
                )
                figures.update(backend=backend, file=label, file_mb=path.stat().st_size / 2**20)
                summary["results"].append(figures)
                print(
                    f"{backend:10} {label:14} {figures['seconds']:7.1f} s "
                    f"{figures['ms_per_row']:6.3f} ms/row  "
                    f"(CPU of this process {figures['cpu_seconds']:.1f} s)  "
                    f"(read+check {figures['read_check_seconds']:.1f} s)  "
                    f"RSS {figures['rss_before_mb']:.0f} -> {figures['rss_peak_mb']:.0f} MB  "
                    f"ok={figures['ok']} errors={figures['errors']} in db={figures['in_database']}",
                    flush=True,
                )
        print(json.dumps(summary, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
