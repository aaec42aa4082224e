"""The time plots: theatre stock by interceptor and threats that got through by class, as SVG line charts.

Both run over the whole campaign (day 1 is the start date, the same day
numbers as the summary card), so they do not rescale as the days go by; the
y axis is logarithmic (0, 1, 10, 100, ...) so a stock of thousands and one of
tens read on one chart. After a Reset the previous run is drawn dashed.
"""

import numpy as np

from app import svg
from model.families import headings

WIDTH, HEIGHT = 460, 240
LEFT, RIGHT, TOP, BOTTOM = 58, 14, 30, 42


def stock_series(model) -> list[tuple[str, np.ndarray]]:
    """(plain name, theatre stock at the end of each day run) for every interceptor type."""
    catalog = model.config.catalog
    stock = model.ledger["stock"][: model.days_done]
    return [(catalog.label(name), stock[:, k]) for k, name in enumerate(model.air_defence.interceptor_names)]


def leak_series(model) -> list[tuple[str, np.ndarray]]:
    """(plain name, threats that got through each night) for classes of their own, then each family."""
    catalog = model.config.catalog
    leaked = model.ledger["leaked"][: model.days_done]
    families = model.ledger.totals("leaked")
    out = []
    for name in headings(catalog.threats):
        series = families[name][: model.days_done] if name in families else \
            leaked[:, model.air_defence.class_names.index(name)]
        out.append((catalog.label(name), np.asarray(series)))
    return out


def _log(v) -> np.ndarray:
    return np.log10(1.0 + np.maximum(np.asarray(v, dtype=float), 0.0))


def _tick_label(v: float) -> str:
    return f"{v / 1000:g}k" if v >= 1000 else f"{v:g}"


def _x_step(horizon: int) -> int:
    for step in (7, 14, 30, 60, 90, 180, 365):
        if horizon / step <= 7:
            return step
    return 365


def line_chart(current, previous, horizon: int, title: str, y_label: str) -> str:
    """Lines of `current` (label, values) solid, `previous` dashed in the same colours, days 1..horizon."""
    top = max([1.0, *(float(np.max(v)) for _, v in [*current, *previous] if len(v))])
    decades = max(1, int(np.ceil(np.log10(1.0 + top))))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(days, values):
        return LEFT + (np.asarray(days) - 1) / max(horizon - 1, 1) * plot_w, TOP + plot_h * (1 - _log(values) / decades)

    parts = [f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="white" stroke="#999"/>',
             svg.text(LEFT, 18, title, size=15, weight="bold")]
    for k in range(decades + 1):
        value = 0.0 if k == 0 else 10.0 ** k
        _, y = px([1], [value])
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y[0]:.1f}" y2="{y[0]:.1f}" stroke="#e3e3e3"/>')
        parts.append(svg.text(LEFT - 6, y[0] + 4, _tick_label(value), size=12, anchor="end"))
    step = _x_step(horizon)
    for day in [1, *range(step, horizon + 1, step)]:
        x, _ = px([day], [0])
        parts.append(svg.text(x[0], TOP + plot_h + 16, str(day), size=12, anchor="middle"))
    parts.append(svg.text(LEFT + plot_w / 2, HEIGHT - 6, "day of the campaign", size=13, anchor="middle"))
    parts.append(f'<text transform="translate(14,{TOP + plot_h / 2:.0f}) rotate(-90)" font-size="13" '
                 f'text-anchor="middle" fill="#222">{y_label}</text>')
    for dashed, group in ((True, previous), (False, current)):
        for k, (_, values) in enumerate(group):
            if len(values):
                xs, ys = px(np.arange(1, len(values) + 1), values)
                parts.append(svg.polyline(xs, ys, svg.colour(k), width=1.4 if dashed else 2.0,
                                          dash="5 4" if dashed else None, opacity=0.65 if dashed else 1.0))
    return svg.document(WIDTH, HEIGHT, "".join(parts), title)


def chart_legend(current, with_previous: bool) -> str:
    """The key below a chart: each line's plain name, and the dashed previous run when there is one."""
    items = [(svg.swatch(svg.colour(k)), label) for k, (label, _) in enumerate(current)]
    if with_previous:
        items.append((svg.swatch("#555", dash=True), "previous run"))
    return svg.legend(items)
