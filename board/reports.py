"""The board's tables as plain tables (title, columns, rows, total row, notes), the one shape
the page, the Excel export and the PDF are made from, so the three always agree."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MONEY, COUNT, TEXT = "money", "count", "text"


@dataclass
class Column:
    label: str
    kind: str = TEXT


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list]
    total: list | None = None
    caption: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return [column.label for column in self.columns]

    def cells(self, row: list) -> list[tuple]:
        return list(zip(row, (column.kind for column in self.columns), strict=True))

    @property
    def body(self) -> list[list[tuple]]:
        return [self.cells(row) for row in self.rows]

    @property
    def total_cells(self) -> list[tuple] | None:
        return self.cells(self.total) if self.total is not None else None

    def spreadsheet_rows(self) -> list[list]:
        """The rows for Excel: numbers stay numbers, an empty cell stays empty."""
        rows = [list(row) for row in self.rows]
        if self.total is not None:
            rows.append(list(self.total))
        return rows


def cost_split_table(*, year: int, split: dict) -> Table:
    totals = split["totals"]
    return Table(
        title=_("Kostenverdeling per project %(year)s") % {"year": year},
        caption=_(
            "Totale en gezamenlijke projectkosten, verwacht aantal deelnemers, prijs per "
            "deelnemer en verwachte deelnemerskosten per project, berekend uit de jaarafspraken."
        ),
        columns=[
            Column(_("Project")),
            Column(_("Programma")),
            Column(_("Totale projectkosten"), MONEY),
            Column(_("Gezamenlijke projectkosten"), MONEY),
            Column(_("Verwacht aantal deelnemers"), COUNT),
            Column(_("Prijs per deelnemer"), MONEY),
            Column(_("Verwachte deelnemerskosten"), MONEY),
        ],
        rows=[
            [
                agreement.project.name,
                agreement.programme.name,
                agreement.total_costs,
                agreement.joint_project_costs,
                agreement.estimated_participants,
                agreement.default_price,
                agreement.participant_costs,
            ]
            for agreement in split["rows"]
        ],
        total=[
            _("Totaal"),
            "",
            totals["total_costs"],
            totals["joint_project_costs"],
            totals["estimated_participants"],
            None,
            totals["participant_costs"],
        ],
    )


def _realisation_columns():
    return [
        Column(_("Project")),
        Column(_("Deelnemers gestart"), COUNT),
        Column(_("Trajectkosten"), MONEY),
        Column(_("Projectkosten"), MONEY),
        Column(_("Totaal"), MONEY),
        Column(_("Kosten per deelnemer"), MONEY),
    ]


def _realisation_row(row, label=None) -> list:
    return [
        label or row.project,
        row.participants,
        row.trajectory_costs,
        row.project_costs,
        row.total,
        row.cost_per_participant,
    ]


def realisation_tables(*, figures: dict) -> list[Table]:
    """The computed table (when the year is invoiced in the app) and the documents' table
    (when kept), each labelled, never merged."""
    year, tables = figures["year"], []
    if figures["computed"] is not None:
        computed = figures["computed"]
        tables.append(
            Table(
                title=_("Realisatie per project %(year)s (berekend)") % {"year": year},
                caption=_(
                    "Berekend uit de gegevens: gestarte trajecten, trajectkosten gefactureerd "
                    "min gecrediteerd (facturen en creditnota's over perioden van %(year)s, "
                    "zonder btw) en gerealiseerde projectkosten uit de begrotingsregels."
                )
                % {"year": year},
                columns=_realisation_columns(),
                rows=[_realisation_row(row) for row in computed.rows],
                total=_realisation_row(computed.total, _("Totaal")),
            )
        )
    if figures["documented"] is not None:
        documented = figures["documented"]
        tables.append(
            Table(
                title=_("Realisatie per project %(year)s (volgens document)") % {"year": year},
                # The source is named once, in the note under the table.
                caption=_(
                    "Volgens document, niet berekend: de cijfers zoals het document ze geeft."
                ),
                columns=_realisation_columns(),
                rows=[_realisation_row(row) for row in documented.rows],
                total=_realisation_row(documented.total, _("Totaal")),
                notes=[_("Bron: %(source)s.") % {"source": documented.source}],
            )
        )
    return tables


def meeting_table(*, meeting, decisions) -> Table:
    return Table(
        title=_("Besluiten %(meeting)s") % {"meeting": meeting},
        caption=meeting.title,
        columns=[
            Column(_("Project")),
            Column(_("Type project")),
            Column(_("Trajectduur")),
            Column(_("Resultaat")),
            Column(_("Stemmen gemeenten")),
            Column(_("Eindadvies")),
        ],
        rows=[
            [
                decision.project.name,
                decision.project_type,
                decision.duration,
                decision.results,
                decision.vote,
                decision.decision,
            ]
            for decision in decisions
        ],
        notes=[_("Bron: %(source)s.") % {"source": meeting.source}] if meeting.source else [],
    )
