"""One benchmark pass over the database in DATABASE_URL, filled by generate_synthetic.

Every page is requested through Django's test client in this process, so the time is the
server's: middleware, view, queries and template, without a network. Each page is requested a
few times first (warm database cache and Python caches), then REPEATS times; we keep the median
and the 95th percentile. Then one invoice run is issued (PDF rendering included), and the very
same invoice HTML is rendered again by WeasyPrint alone, to compare the throughput.
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

django.setup()

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


def issue_side_by_side(*, period_text: str, user) -> dict:
    """Issue the run of ``period_text``; then render the same HTML with WeasyPrint alone."""
    from django.utils import timezone
    from weasyprint import HTML

    import billing.services
    from billing.models import InvoiceLine
    from billing.selectors import run_preview
    from waw.pdf import render_to_pdf
    from waw.periods import Period

    period = Period.parse(period_text)
    # WeasyPrint's first document loads fonts and caches: warm it up with one invoice of this
    # run (numbered WARM-UP, not stored) so that neither side of the comparison pays for it.
    preview = run_preview(period=period, today=timezone.localdate())
    draft = preview.invoices[0]
    billing.services._render_document(
        kind="invoice",
        number="WARM-UP",
        municipality=draft.municipality,
        period=period,
        issue_date=timezone.localdate(),
        due_date=timezone.localdate(),
        lines=draft.lines,
        reference="",
    )
    rendered: list[str] = []

    def recording_render_to_pdf(template_name, context):
        pdf, html = render_to_pdf(template_name, context)
        rendered.append(html)
        return pdf, html

    billing.services.render_to_pdf = recording_render_to_pdf
    try:
        began, began_cpu = time.perf_counter(), time.process_time()
        run = billing.services.issue_run(period=period, user=user)
        issue_seconds = time.perf_counter() - began
        issue_cpu = time.process_time() - began_cpu
    finally:
        billing.services.render_to_pdf = render_to_pdf
    invoices = run.invoices.count()
    lines = InvoiceLine.objects.filter(invoice__run=run).count()
    began, began_cpu = time.perf_counter(), time.process_time()
    for html in rendered:
        HTML(string=html).write_pdf()
    weasyprint_seconds = time.perf_counter() - began
    weasyprint_cpu = time.process_time() - began_cpu
    issue_rate = invoices / issue_seconds
    weasyprint_rate = len(rendered) / weasyprint_seconds
    return {
        "period": period_text,
        "invoices": invoices,
        "lines": lines,
        "issue_seconds": issue_seconds,
        "issue_invoices_per_second": issue_rate,
        "weasyprint_seconds": weasyprint_seconds,
        "weasyprint_invoices_per_second": weasyprint_rate,
        "ratio": issue_rate / weasyprint_rate,
        # CPU time of this process: what other processes on the machine do barely moves it
        # (the database server's own share of issuing is not in it).
        "issue_cpu_seconds": issue_cpu,
        "weasyprint_cpu_seconds": weasyprint_cpu,
        "cpu_ratio": (invoices / issue_cpu) / (len(rendered) / weasyprint_cpu),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--years", type=int, required=True)
    parser.add_argument("--generate-ms", type=int, default=0)
    parser.add_argument("--output", required=True)
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
        f"{issuing['weasyprint_invoices_per_second']:.2f}/s WeasyPrint alone "
        f"({issuing['ratio']:.0%})",
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
    main()
