"""A few SVG pieces the map and the charts are written with: the page shows them as they are, no image is rendered.

Writing SVG straight from the numbers is what lets Play run at several days a
second: a matplotlib PNG costs more than half a second a figure here.
"""

from html import escape

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")
"""Colours given out in catalog order (matplotlib's tab10), so no kind is named in code."""
FONT = "font-family:Roboto,Arial,sans-serif"


def colour(k: int) -> str:
    """The k-th colour of the palette (round again past the end)."""
    return PALETTE[k % len(PALETTE)]


def text(x: float, y: float, content: str, size: int = 13, anchor: str = "start", fill: str = "#222",
         weight: str = "normal", halo: bool = False) -> str:
    """A label; with `halo`, a white outline keeps it readable over lines and shapes."""
    outline = ' stroke="white" stroke-width="3" paint-order="stroke"' if halo else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}"{outline}>{escape(content)}</text>')


def polyline(xs, ys, stroke: str, width: float = 2.0, dash: str | None = None, opacity: float = 1.0) -> str:
    """A line through the points."""
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<polyline points="{points}" fill="none" stroke="{stroke}" stroke-width="{width:.2f}"{dashed} '
            f'stroke-opacity="{opacity}" stroke-linejoin="round"/>')


def path_of_rings(rings_px) -> str:
    """An SVG path `d` of closed rings of pixel coordinates."""
    return " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z" for ring in rings_px if len(ring))


def marker(shape: int, x: float, y: float, size: float, fill: str, title: str = "") -> str:
    """Shape 0 circle, 1 square, 2 triangle, 3 diamond, 4 down-triangle, 5 pentagon-ish (cycled)."""
    s = size / 2
    tip = f"<title>{escape(title)}</title>" if title else ""
    style = f'fill="{fill}" stroke="#222" stroke-width="0.8"'
    match shape % 5:
        case 0:
            return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s:.1f}" {style}>{tip}</circle>'
        case 1:
            return f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{size:.1f}" height="{size:.1f}" {style}>{tip}</rect>'
        case 2:
            pts = f"{x:.1f},{y - s:.1f} {x + s:.1f},{y + s:.1f} {x - s:.1f},{y + s:.1f}"
        case 3:
            pts = f"{x:.1f},{y - s:.1f} {x + s:.1f},{y:.1f} {x:.1f},{y + s:.1f} {x - s:.1f},{y:.1f}"
        case _:
            pts = f"{x - s:.1f},{y - s:.1f} {x + s:.1f},{y - s:.1f} {x:.1f},{y + s:.1f}"
    return f'<polygon points="{pts}" {style}>{tip}</polygon>'


def document(width: float, height: float, body: str, label: str, style: str = "") -> str:
    """A whole SVG that scales to its container's width, its text sized in pixels at `width`."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
            f'aria-label="{escape(label)}" style="width:100%;height:auto;display:block;{FONT};{style}">'
            f"{body}</svg>")


def swatch(fill: str, shape: int | None = None, dash: bool = False) -> str:
    """A small inline SVG for an HTML legend: a marker shape, or a line (dashed for the previous run)."""
    if shape is None:
        body = (f'<line x1="1" y1="7" x2="21" y2="7" stroke="{fill}" stroke-width="3"'
                f'{" stroke-dasharray=\"4 3\"" if dash else ""}/>')
    else:
        body = marker(shape, 11, 7, 11, fill)
    return f'<svg width="22" height="14" viewBox="0 0 22 14" style="vertical-align:middle">{body}</svg>'


def legend(items: list[tuple[str, str]]) -> str:
    """An HTML legend, beside the figure rather than over it: (swatch html, label) pairs."""
    cells = "".join(f'<span style="margin-right:14px;white-space:nowrap">{mark} {escape(label)}</span>'
                    for mark, label in items)
    return f'<div class="attrition-legend" style="font-size:13px;line-height:1.7;{FONT}">{cells}</div>'
