"""One benchmark pass over the database in DATABASE_URL, filled by generate_synthetic.

Every page is requested through Django's test client in this process, so the time is the
server's: middleware, view, queries and template, without a network. Each page is requested a
few times first (warm database cache and Python caches), then REPEATS times; we keep the median
and the 95th percentile. Then one invoice run is issued (PDF rendering included, on the render
processes of INVOICE_RENDER_PROCESSES, one per core by default), and the very same invoice HTML
is rendered again by one bare WeasyPrint process, to compare the throughput.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waw.settings")

import django  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

REPEATS = 25
WARM_UP = 3


def percentile_95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[18]


def measure(client: Client, url: str, repeats: int = REPEATS) -> dict:
    for _ in range(WARM_UP):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
    ):
        client.get(url)
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return {
        "url": url,
        "median_ms": statistics.median(times),
        "p95_ms": percentile_95(times),
        "queries": len(queries),
        "requests": repeats,
    }


def coordinator():
    from waw.models import User
    from waw.roles import Role, sync_role_groups

    user, _created = User.objects.get_or_create(username="bench-coordinator")
    user.groups.add(sync_role_groups()[Role.COORDINATOR])
    return user


def _spin(iterations: int) -> float:
    began = time.process_time()
    total = 0
    for number in range(iterations):
        total += number
    return time.process_time() - began


def parallel_capacity(processes: int, iterations: int = 20_000_000) -> float:
    """How many cores ``processes`` processes get on this machine right now: the same pure
    Python loop once alone, then in ``processes`` processes at once; the speed-up of the second
    over the first (2.0 on two free cores). Other work on a shared machine, or a host that does
    not give its virtual cores in full, shows here before it shows in the issuing ratio."""
    import multiprocessing

    began = time.perf_counter()
    _spin(iterations)
    alone = time.perf_counter() - began
    with multiprocessing.get_context("forkserver").Pool(processes) as pool:
        pool.map(_spin, [1000] * processes)  # started before the clock runs
        began = time.perf_counter()
        pool.map(_spin, [iterations] * processes)
        together = time.perf_counter() - began
    return processes * alone / together


def issue_side_by_side(*, period_text: str, user) -> dict:
    """Issue the run of ``period_text`` as configured (INVOICE_RENDER_PROCESSES, by default one
    render process per core); then render the very same HTML with one bare WeasyPrint process
    (this one, sequentially): issuing's throughput against a single renderer's."""
    from django.conf import settings
    from django.utils import timezone

    import billing.archive
    import billing.services
    from billing.models import InvoiceLine
    from billing.selectors import run_preview
    from waw.pdf import pdf_from_html, render_pdfs
    from waw.periods import Period

    period = Period.parse(period_text)
    today = timezone.localdate()
    # WeasyPrint's first document loads fonts and caches: warm it up with one invoice of this
    # run (numbered WARM-UP, not stored) so that the single renderer does not pay for it. The
    # render processes of issuing start cold, as they do in production: that is issuing's cost.
    preview = run_preview(period=period, today=today)
    draft = preview.invoices[0]
    warm_up = billing.services._document(
        kind="invoice",
        sequence=0,
        number="WARM-UP",
        municipality=draft.municipality,
        period=period,
        issue_date=today,
        due_date=today,
        lines=[billing.services.invoice_line_from_draft(line) for line in draft.lines],
    )
    pdf_from_html(warm_up.html)
    rendered: list[str] = []
    locked_at: list[float] = []

    def recording_render_pdfs(htmls, **options):
        rendered.extend(htmls)
        return render_pdfs(htmls, **options)

    real_remove_orphans = billing.archive.remove_orphans

    def noting_the_lock(**options):
        # Called first thing after the series lock is taken.
        locked_at.append(time.perf_counter())
        return real_remove_orphans(**options)

    progress_calls = []
    billing.services.render_pdfs = recording_render_pdfs
    billing.archive.remove_orphans = noting_the_lock
    capacity_before = parallel_capacity(settings.INVOICE_RENDER_PROCESSES)
    load_before = os.getloadavg()
    try:
        began, began_cpu = time.perf_counter(), time.process_time()
        run = billing.services.issue_run(
            period=period, user=user, progress=lambda done, total: progress_calls.append(done)
        )
        ended = time.perf_counter()
        issue_cpu = time.process_time() - began_cpu
    finally:
        billing.services.render_pdfs = render_pdfs
        billing.archive.remove_orphans = real_remove_orphans
    issue_seconds = ended - began
    invoices = run.invoices.count()
    lines = InvoiceLine.objects.filter(invoice__run=run).count()
    began, began_cpu = time.perf_counter(), time.process_time()
    for html in rendered[:invoices]:
        pdf_from_html(html)
    weasyprint_seconds = time.perf_counter() - began
    weasyprint_cpu = time.process_time() - began_cpu
    load_after = os.getloadavg()
    capacity_after = parallel_capacity(settings.INVOICE_RENDER_PROCESSES)
    issue_rate = invoices / issue_seconds
    weasyprint_rate = invoices / weasyprint_seconds
    return {
        "period": period_text,
        "invoices": invoices,
        "lines": lines,
        "render_processes": settings.INVOICE_RENDER_PROCESSES,
        # More than the invoices when the run changed between rendering and the lock.
        "pdfs_rendered": len(rendered),
        "issue_seconds": issue_seconds,
        "issue_invoices_per_second": issue_rate,
        # From taking the number series' lock to the commit: what a credit note or another run
        # waits for at most.
        "lock_seconds": ended - locked_at[-1],
        "weasyprint_seconds": weasyprint_seconds,
        "weasyprint_invoices_per_second": weasyprint_rate,
        "ratio": issue_rate / weasyprint_rate,
        # CPU time of this process only: the render processes' time is not in it.
        "issue_cpu_seconds": issue_cpu,
        "weasyprint_cpu_seconds": weasyprint_cpu,
        # The machine's 1-minute load average before issuing and after the single renderer: on
        # 2 cores anything above ~2 means other work competed for them.
        "load_average": [round(load_before[0], 2), round(load_after[0], 2)],
        "progress_reports": len(progress_calls),
        # The speed-up the render processes could get at best at that moment (see
        # parallel_capacity), before issuing and after the single renderer.
        "parallel_capacity": [round(capacity_before, 2), round(capacity_after, 2)],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--years", type=int, required=True)
    parser.add_argument("--generate-ms", type=int, default=0)
    parser.add_argument("--output", required=True)
    parser.add_argument(
        "--issuing-only", action="store_true", help="skip the pages, measure issuing alone"
    )
    args = parser.parse_args()

    from monitor.services import edition_create
    from participants.models import Participant, Trajectory
    from participants.synthetic import LAST_DAY
    from projects.models import Project

    user = coordinator()
    client = Client()
    client.force_login(user)
    trajectories = Trajectory.objects.count()
    participants = Participant.objects.count()
    largest = Project.objects.get(slug="zorgstart")
    middle = Participant.objects.get(client_number=f"SYN{participants // 2:08d}")
    live_period = f"{LAST_DAY.year}-H2"
    if not args.issuing_only:
        edition_create(period_text=live_period)
    first_quarter = f"{LAST_DAY.year - args.years + 1}-Q1"
    trajectory_list = reverse("participants:trajectories")

    pages = {
        "trajectory_list": trajectory_list,
        "trajectory_list_filtered": (
            f"{trajectory_list}?project={largest.pk}&status=in_traject&sort=-start_date"
        ),
        "participant_list": reverse("participants:list"),
        "participant_detail": reverse("participants:detail", kwargs={"pk": middle.pk}),
        "monitor_page": f"{reverse('monitor:page')}?periode={live_period}",
        "monitor_json": reverse("monitor:json", kwargs={"period": live_period}),
        "invoice_preview": f"{reverse('billing:run')}?period={first_quarter}",
    }
    results = {}
    if args.issuing_only:
        pages = {}
    for name, url in pages.items():
        print(f"  {name}: {url}", flush=True)
        results[name] = measure(client, url)
        print(
            f"    median {results[name]['median_ms']:.1f} ms, p95 {results[name]['p95_ms']:.1f} ms,"
            f" {results[name]['queries']} queries",
            flush=True,
        )
    # What the first reader after a change waits for: the live figures computed, not cached.
    from monitor.selectors import live_content
    from waw.periods import Period

    if not args.issuing_only:
        times = []
        for _ in range(5):
            began = time.perf_counter()
            live_content(period=Period.parse(live_period), cached=False)
            times.append((time.perf_counter() - began) * 1000)
        results["monitor_uncached"] = {
            "url": "monitor.selectors.live_content(cached=False)",
            "median_ms": statistics.median(times),
            "p95_ms": max(times),
            "queries": None,
            "requests": len(times),
        }
        print(f"  monitor figures uncached: median {statistics.median(times):.0f} ms", flush=True)
    print(f"  issuing {first_quarter}", flush=True)
    issuing = issue_side_by_side(period_text=first_quarter, user=user)
    print(
        f"    {issuing['invoices']} invoices, {issuing['lines']} lines: "
        f"{issuing['issue_invoices_per_second']:.2f}/s issued, "
        f"{issuing['weasyprint_invoices_per_second']:.2f}/s one WeasyPrint process "
        f"({issuing['ratio']:.2f}×; {issuing['render_processes']} render processes, "
        f"lock held {issuing['lock_seconds']:.1f} s, load {issuing['load_average']}, "
        f"parallel capacity {issuing['parallel_capacity']})",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        server = cursor.fetchone()[0]
    Path(args.output).write_text(
        json.dumps(
            {
                "size": args.size,
                "trajectories": trajectories,
                "participants": participants,
                "years": args.years,
                "generate_seconds": args.generate_ms / 1000,
                "pages": results,
                "issuing": issuing,
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "database": server,
                "measured_at": time.strftime("%Y-%m-%d %H:%M %Z"),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    # Here, not at the import: each render process of issuing imports this script again (as
    # every process started by multiprocessing's spawn or forkserver imports the main module),
    # and has no use for Django.
    django.setup()
    main()
