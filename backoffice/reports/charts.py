"""Report charts drawn on the server with matplotlib (no JavaScript, no CDN):
SVG for the pages, PNG for the PDF. Each chart also appears as a table."""

import base64
import io

from django.utils.translation import gettext as _

from matplotlib.figure import Figure

from .figures import share

COLOURS = ["#1f5fa8", "#c0392b", "#2e8b57", "#d68910", "#7d3c98", "#5d6d7e"]
TOP_AGENCIES = 15


def _bars(labels: list[str], values: list[float], *, title: str, unit: str) -> Figure:
    height = 1.2 + 0.42 * max(len(labels), 1)
    figure = Figure(figsize=(6.4, height), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    bars = axes.barh(positions, values, color=COLOURS[: len(labels)] or COLOURS[0])
    axes.set_yticks(positions, labels=[label[:45] for label in labels])
    axes.invert_yaxis()
    axes.set_title(title, fontsize=11, loc="left")
    axes.set_xlabel(unit)
    axes.bar_label(bars, fmt="%g", padding=3, fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(x=0.15)
    return figure


def chart_figures(report: dict) -> dict[str, Figure]:
    """The report's charts by key (see sections.Section.chart)."""
    dos = report["dossiers"]
    agencies = report["on_time_by_agency"][:TOP_AGENCIES]
    count = _("Số lượng")
    return {
        "incoming_channels": _bars(
            [c["label"] for c in report["incoming"]["by_channel"]],
            [c["count"] for c in report["incoming"]["by_channel"]],
            title=_("Văn bản đến theo kênh nhận"),
            unit=count,
        ),
        "outgoing_channels": _bars(
            [c["label"] for c in report["outgoing"]["recipients_by_channel"]],
            [c["count"] for c in report["outgoing"]["recipients_by_channel"]],
            title=_("Lượt gửi văn bản đi theo kênh"),
            unit=count,
        ),
        "dossier_channels": _bars(
            [c["label"] for c in dos["by_channel"]],
            [c["count"] for c in dos["by_channel"]],
            title=_("Hồ sơ theo kênh nộp"),
            unit=count,
        ),
        "dossier_timeliness": _bars(
            [_("Đúng hạn"), _("Trễ hạn"), _("Đang giải quyết trong hạn")],
            [dos["on_time"], dos["late"], dos["in_progress"]],
            title=_("Kết quả giải quyết hồ sơ"),
            unit=count,
        ),
        "on_time_by_agency": rate_chart(
            [(a["name"], a["on_time"], a["late"]) for a in agencies]
        ),
    }


def rate_chart(rows: list[tuple[str, int, int]]) -> Figure:
    """On-time rate (%) per named unit, from (name, on time, late)."""
    return _bars(
        [name for name, _on, _late in rows],
        [share(on, on + late) for _name, on, late in rows],
        title=_("Tỷ lệ giải quyết đúng hạn theo cơ quan (%)"),
        unit="%",
    )


def figure_svg(figure: Figure) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg")
    return out.getvalue()


def figure_png(figure: Figure, *, dpi: int = 110) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=dpi)
    return out.getvalue()


def svg_data_uri(figure: Figure) -> str:
    """An <img src> for the page (img-src allows data:; no inline script or id
    clashes between several SVGs on one page)."""
    encoded = base64.b64encode(figure_svg(figure).encode()).decode()
    return f"data:image/svg+xml;base64,{encoded}"
