"""A report as data: sections of text, tables and figures, written out as Markdown and as HTML.

Answers build `Section`s; `write_report` renders the same sections twice: a
Markdown file with PNG figures beside it, and one self-contained HTML page
with the figures embedded (nothing fetched from the network to view it).
"""

import base64
import html
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure


@dataclass
class Text:
    """A paragraph in plain words (`**bold**` is kept in both outputs)."""

    text: str


@dataclass
class Table:
    """A table with its caption."""

    frame: pd.DataFrame
    caption: str = ""


@dataclass
class Plot:
    """A figure, saved under `name`.png."""

    name: str
    figure: Figure
    caption: str = ""


@dataclass
class Section:
    """A titled part of a report."""

    title: str
    blocks: list = field(default_factory=list)
    figures: str = ""
    """What its figure files are named under (`<figures>-<plot name>.png`): a sweep's folder, so that the
    figures of two sweeps in one report never collide. Empty: the plot's name alone."""

    def add(self, *blocks) -> "Section":
        """Append blocks; returns the section."""
        self.blocks.extend(blocks)
        return self


def _show_figures_in_jupyter() -> None:
    """Under IPython, show a returned `Figure` as a PNG (what `%matplotlib inline` sets up), once per session."""
    import sys

    if "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or getattr(shell, "_attrition_figures", False):
        return
    from IPython.core.pylabtools import select_figure_formats

    select_figure_formats(shell, {"png"})
    shell._attrition_figures = True


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize=None, layout="constrained", squeeze: bool = True,
               **subplot_kw):
    """`plt.subplots` without pyplot: a `Figure` nobody else holds.

    Jupyter shows a returned Figure once (as its value) instead of twice, no
    global figure list grows in long sessions, and no backend is chosen here.
    """
    _show_figures_in_jupyter()
    figure = Figure(figsize=figsize, layout=layout)
    return figure, figure.subplots(nrows, ncols, squeeze=squeeze, **subplot_kw)


def number(value, digits: int = 3) -> str:
    """A number for people: thousands separated, `digits` significant figures, NaN as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int | bool) or (isinstance(value, float) and value.is_integer()):
        return f"{value:,.0f}"
    if isinstance(value, float):
        magnitude = math.floor(math.log10(abs(value))) if value else 0
        decimals = max(digits - 1 - magnitude, 0)
        return f"{value:,.{decimals}f}"
    return str(value)


def estimate(row, scale: float = 1.0, percent: bool = False) -> str:
    """`mean (95% CI low to high)` from a `describe` row."""
    fmt = (lambda v: f"{v * 100 * scale:.1f}%") if percent else (lambda v: number(v * scale))
    if any(isinstance(row[k], float) and math.isnan(row[k]) for k in ("ci_low", "ci_high")):
        return f"{fmt(row['mean'])} (n={int(row['n'])}, no interval)"
    return f"{fmt(row['mean'])} (95% CI {fmt(row['ci_low'])} to {fmt(row['ci_high'])})"


def _cell(value) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float | int) and not isinstance(value, bool):
        return number(value)
    return str(value)


def markdown_table(frame: pd.DataFrame) -> str:
    """A DataFrame as a GitHub-flavoured Markdown table (index dropped)."""
    header = [str(c) for c in frame.columns]
    rows = [[_cell(v).replace("|", "\\|") for v in row] for row in frame.itertuples(index=False)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _html_text(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text))


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}td,th{border:1px solid #ccc;padding:.2rem .5rem;
text-align:right}th{background:#f3f3f3}img{max-width:100%}figcaption,caption{color:#555;font-size:.9rem}"""


def write_report(title: str, intro: list[str], sections: list[Section], out: Path) -> dict[str, Path]:
    """Write `report.md` (figures as PNG files beside it) and a self-contained `report.html` into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    figures = out / "figures"
    figures.mkdir(exist_ok=True)
    md = [f"# {title}", "", *(f"{p}\n" for p in intro)]
    page = [f"<h1>{html.escape(title)}</h1>", *(f"<p>{_html_text(p)}</p>" for p in intro)]
    for section in sections:
        md += [f"## {section.title}", ""]
        page.append(f"<h2>{html.escape(section.title)}</h2>")
        for block in section.blocks:
            if isinstance(block, Text):
                md += [block.text, ""]
                page.append(f"<p>{_html_text(block.text)}</p>")
            elif isinstance(block, Table):
                if block.caption:
                    md += [f"*{block.caption}*", ""]
                md += [markdown_table(block.frame), ""]
                caption = f"<caption>{_html_text(block.caption)}</caption>" if block.caption else ""
                page.append(_html_table(block.frame).replace("<table>", f"<table>{caption}", 1))
            elif isinstance(block, Plot):
                name = f"{section.figures}-{block.name}" if section.figures else block.name
                png = io.BytesIO()
                block.figure.savefig(png, format="png", dpi=110)
                (figures / f"{name}.png").write_bytes(png.getvalue())
                md += [f"![{block.caption or name}](figures/{name}.png)", ""]
                if block.caption:
                    md += [f"*{block.caption}*", ""]
                encoded = base64.b64encode(png.getvalue()).decode()
                page.append(f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{encoded}">'
                            f"<figcaption>{_html_text(block.caption)}</figcaption></figure>")
    paths = {"markdown": out / "report.md", "html": out / "report.html"}
    paths["markdown"].write_text("\n".join(md))
    paths["html"].write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
                             f"<style>{STYLE}</style></head><body>{''.join(page)}</body></html>")
    return paths
