"""Server-rendered SVG charts: geometry computed here, drawn by templates; the same SVG works in
the browser and in the PDF, with no chart library and nothing from the internet.

Sizes are in the SVG's own units. The PDF prints the charts at the text width of an A4 page
(PRINT_WIDTH_MM), so one unit is PRINT_WIDTH_MM / WIDTH millimetres there; FONT_SIZE is chosen so
that every label prints at no less than 8 pt (MIN_PRINT_PT), which tests/monitor check.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from waw.periods import period_in_words

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 260, 40, 62, 20
PRINT_WIDTH_MM = 180  # A4 (210 mm) minus the PDF's margins of 15 mm each side
MIN_PRINT_PT = 8
FONT_SIZE = 12  # 12 units of 640 at 180 mm: 3,4 mm, 9,6 pt
PROGRESS_ROW = 46
PROGRESS_BAR_WIDTH = 420


def printed_points(units: float) -> float:
    """The size in points that a number of SVG units prints at in the PDF."""
    return units * PRINT_WIDTH_MM / WIDTH / 25.4 * 72


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    series: str


def _label_lines(code: str) -> tuple[str, str]:
    """A half-year in words on two lines under its bars: "tweede halfjaar" / "2025"."""
    words = period_in_words(code)
    part, _space, year = words.rpartition(" ")
    return (part, year) if part else (words, "")


def series_chart(series: list[dict]) -> dict:
    """Grouped bars of started and to-work per half-year, each bar with its number."""
    peak = max([1] + [max(row["started"], row["to_work"]) for row in series])
    plot_height = HEIGHT - PAD_BOTTOM - PAD_TOP
    group = (WIDTH - PAD_LEFT) / max(1, len(series))
    bar_width = group * 0.35
    bars, labels = [], []
    for index, row in enumerate(series):
        left = PAD_LEFT + index * group + group * 0.12
        for offset, key in enumerate(("started", "to_work")):
            height = plot_height * row[key] / peak
            bars.append(
                Bar(
                    x=round(left + offset * bar_width, 1),
                    y=round(PAD_TOP + plot_height - height, 1),
                    width=round(bar_width - 2, 1),
                    height=round(height, 1),
                    value=row[key],
                    label=row["period"],
                    series=key,
                )
            )
        part, year = _label_lines(row["period"])
        labels.append({"x": round(left + bar_width, 1), "part": part, "year": year})
    baseline = HEIGHT - PAD_BOTTOM
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": baseline,
        "label_y": baseline + 15,
        "year_y": baseline + 29,
        "legend_y": HEIGHT - 4,
        "legend_box_y": HEIGHT - 14,
        "font_size": FONT_SIZE,
        "bars": bars,
        "labels": labels,
        "peak": peak,
    }


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def progress_bars(programmes: list[dict]) -> dict:
    """Per programme target a bar of the share reached (capped at the bar's full width), with
    the absolute numbers beside it: "45 van 1.200 (4%)"."""
    rows = []
    for programme in programmes:
        for label, key, target in (
            ("trajecten", "started", programme["target_trajectories"]),
            ("scholingstrajecten", "training", programme.get("target_training_trajectories")),
            ("naar werk", "to_work", programme["target_to_work"]),
        ):
            value = programme.get(key, 0)
            if not target:
                continue
            share = value / target
            top = len(rows) * PROGRESS_ROW
            rows.append(
                {
                    "programme": programme["programme"],
                    "label": label,
                    "value": value,
                    "target": target,
                    "value_text": _thousands(value),
                    "target_text": _thousands(target),
                    "percent": round(share * 100),
                    "width": round(min(share, 1) * PROGRESS_BAR_WIDTH, 1),
                    "baseline_note": baseline_note(programme.get(f"{key}_baseline")),
                    "label_y": top + 14,
                    "bar_y": top + 20,
                    "text_y": top + 31,
                }
            )
    return {
        "rows": rows,
        "height": len(rows) * PROGRESS_ROW + 4,
        "width": WIDTH,
        "bar_width": PROGRESS_BAR_WIDTH,
        "text_x": PROGRESS_BAR_WIDTH + 10,
        "font_size": FONT_SIZE,
    }


def baseline_note(baseline: dict | None) -> str:
    """How an earlier result in a figure is labelled: "waarvan 600: stand tot en met eerste
    kwartaal 2022 (bron)"."""
    if not baseline:
        return ""
    return _("waarvan %(amount)s: %(label)s (%(source)s)") % {
        "amount": baseline["value"],
        "label": baseline["label"],
        "source": baseline["source"],
    }
