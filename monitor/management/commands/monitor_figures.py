import json

from django.core.management.base import BaseCommand

from monitor.selectors import COUNTS, parse_half_year, period_figures
from waw.periods import PeriodError

# The table's column headers, as the monitor's own tables name the figures.
HEADERS = {
    "started": "gestart",
    "active_at_end": "in traject",
    "ended": "beëindigd",
    "completed": "afgerond",
    "dropped_out": "gestopt",
    "to_work": "naar werk",
    "successful": "succesvol",
    "started_cumulative": "gestart cum",
    "ended_cumulative": "beëind. cum",
    "successful_cumulative": "succes cum",
}


def _json_row(row: dict) -> dict:
    """Exact counts and the success rate as a JSON number, as the command promises."""
    out = {key: row[key] for key in COUNTS}
    rate = row.get("success_rate")
    out["success_rate"] = float(rate) if rate is not None else None
    return out


class Command(BaseCommand):
    help = "De monitorcijfers van een halfjaar, live uit de trajecten (exacte aantallen)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2025-H1 of 2025-H2")
        parser.add_argument("--json", action="store_true", help="één JSON-object als uitvoer")

    def handle(self, *args, **options):
        try:
            period = parse_half_year(options["period"])
        except PeriodError as error:
            self.stderr.write(str(error))
            raise SystemExit(2) from None
        figures = period_figures(period=period)
        result = {
            "period": str(period),
            "totals": _json_row(figures.totals),
            "projects": [
                {"project": row["project"], **_json_row(row), "traffic_light": row["traffic_light"]}
                for row in figures.projects
            ],
            "municipalities": [
                {"municipality": row["municipality"], **_json_row(row)}
                for row in figures.municipalities
            ],
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        header = f"{'':<32}" + "".join(f"{HEADERS[key]:>12}" for key in COUNTS)
        self.stdout.write(header)
        for row in result["projects"]:
            self.stdout.write(
                f"{row['project'][:31]:<32}" + "".join(f"{row[k]:>12}" for k in COUNTS)
            )
        self.stdout.write(f"{'Totaal':<32}" + "".join(f"{result['totals'][k]:>12}" for k in COUNTS))
