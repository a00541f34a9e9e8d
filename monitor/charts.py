"""Server-rendered SVG charts: geometry computed here, drawn by templates; the same SVG works in
the browser and in the PDF, with no chart library and nothing from the internet."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 240, 40, 40, 16


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    series: str


def series_chart(series: list[dict]) -> dict:
    """Grouped bars of started and to-work per half-year."""
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
        labels.append({"x": round(left + bar_width, 1), "text": row["period"]})
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - PAD_BOTTOM,
        "label_y": HEIGHT - PAD_BOTTOM + 16,
        "bars": bars,
        "labels": labels,
        "peak": peak,
    }


def progress_bars(programmes: list[dict]) -> list[dict]:
    """Per programme target: the share reached, capped at the bar's full width."""
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
            rows.append(
                {
                    "programme": programme["programme"],
                    "label": label,
                    "value": value,
                    "target": target,
                    "percent": round(share * 100),
                    "width": round(min(share, 1) * 400, 1),
                    "baseline_note": baseline_note(programme.get(f"{key}_baseline")),
                }
            )
    return rows


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
