"""The summary card: the day, running totals by class, damage, stock left and how long each stock lasts.

`campaign_summary` reads the model's ledger (the arrays the daily table is
made from) so it costs nothing per day. Day numbers are the days run so far:
day 1 is the scenario's start date, the same numbering as the plots.
"""

from dataclasses import dataclass
from datetime import date
from html import escape

import numpy as np

from model.families import headings

RECENT_DAYS = 14
"""How many days back "the recent rate" of using a stock looks."""


def days_to_empty(stock: np.ndarray, window: int = RECENT_DAYS) -> float | None:
    """Days until a stock runs out at its recent net fall (use less deliveries) per day; None if not falling.

    The rate is the fall over the last `window` days (fewer if fewer were run, at least one):
    (stock[-1 - w] - stock[-1]) / w. A stock already at 0 lasts 0 days.
    """
    stock = np.asarray(stock, dtype=float)
    if len(stock) and stock[-1] <= 0:
        return 0.0
    if len(stock) < 2:
        return None
    w = min(window, len(stock) - 1)
    rate = (stock[-1 - w] - stock[-1]) / w
    return float(stock[-1] / rate) if rate > 0 else None


@dataclass(frozen=True)
class ClassTotals:
    """One class's (or family's) running totals."""

    label: str
    launched: int
    leaked: int

    @property
    def neutralised_share(self) -> float | None:
        """Share of those launched that did not get through (None before any launch)."""
        return 1 - self.leaked / self.launched if self.launched else None


@dataclass(frozen=True)
class StockLeft:
    """One interceptor type's theatre stock now and how long it lasts at the recent rate."""

    label: str
    stock: int
    days_to_empty: float | None


@dataclass(frozen=True)
class Summary:
    """What the card shows."""

    day: int
    horizon: int
    date: date | None
    classes: list[ClassTotals]
    damage: float
    stocks: list[StockLeft]

    @property
    def launched(self) -> int:
        """Every threat launched so far (decoys too)."""
        return sum(c.launched for c in self.classes)

    @property
    def leaked(self) -> int:
        """Every threat that got through so far."""
        return sum(c.leaked for c in self.classes)

    @property
    def neutralised_share(self) -> float | None:
        """Share of all threats launched that did not get through."""
        return 1 - self.leaked / self.launched if self.launched else None


def _by_heading(model, block: str) -> list[int]:
    days = model.days_done
    families = model.ledger.totals(block)
    array = model.ledger[block][:days]
    names = model.air_defence.class_names
    return [int(families[h][:days].sum()) if h in families else int(array[:, names.index(h)].sum())
            for h in headings(model.config.catalog.threats)]


def campaign_summary(model) -> Summary:
    """The card's numbers for the days run so far."""
    catalog = model.config.catalog
    days = model.days_done
    labels = [catalog.label(h) for h in headings(catalog.threats)]
    classes = [ClassTotals(label, launched, leaked) for label, launched, leaked
               in zip(labels, _by_heading(model, "launched"), _by_heading(model, "leaked"), strict=True)]
    stock = model.ledger["stock"][:days]
    stocks = [StockLeft(catalog.label(name), int(stock[-1, k]) if days else int(_initial(model, k)),
                        days_to_empty(stock[:, k]) if days else None)
              for k, name in enumerate(model.air_defence.interceptor_names)]
    return Summary(days, model.horizon, model.config.date_of(days - 1) if days else None, classes,
                   float(sum(site.damage for site in model.sites)), stocks)


def _initial(model, k: int) -> float:
    """Rounds of interceptor type k in the batteries before the first day."""
    return float(model.air_defence.batteries.stock[:, k].sum())


def _share(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.0f}%"


def _lasts(days: float | None) -> str:
    if days is None:
        return "not falling"
    return "empty" if days == 0 else f"{days:,.0f} days"


def summary_html(s: Summary) -> str:
    """The card's body: the date, the totals table and the stock table."""
    when = f"{s.date:%d %b %Y}" if s.date else "before the first night"
    head = (f'<div class="summary-day" style="font-size:18px;font-weight:600">Day {s.day} of {s.horizon}: {when}</div>'
            f'<div style="font-size:14px;margin:2px 0 6px">{s.launched:,} launched, {s.leaked:,} got through, '
            f'<b>{_share(s.neutralised_share)} neutralised</b>; damage {s.damage:,.0f} points</div>')
    rows = "".join(f"<tr><td>{escape(c.label)}</td><td>{c.launched:,}</td><td>{c.leaked:,}</td>"
                   f"<td>{_share(c.neutralised_share)}</td></tr>" for c in s.classes)
    totals = (f'<table class="summary-classes"><tr><th>class</th><th>launched</th><th>got through</th>'
              f"<th>neutralised</th></tr>{rows}</table>")
    stock_rows = "".join(f"<tr><td>{escape(k.label)}</td><td>{k.stock:,}</td><td>{_lasts(k.days_to_empty)}</td></tr>"
                         for k in s.stocks)
    stocks = (f'<table class="summary-stocks"><tr><th>interceptor</th><th>stock left</th>'
              f"<th>lasts at the {RECENT_DAYS}-day rate</th></tr>{stock_rows}</table>")
    style = ("<style>.attrition-summary table{border-collapse:collapse;margin:4px 0 8px;font-size:14px}"
             ".attrition-summary td,.attrition-summary th{padding:1px 10px 1px 0;text-align:right}"
             ".attrition-summary td:first-child,.attrition-summary th:first-child{text-align:left}</style>")
    return f'{style}<div class="attrition-summary">{head}{totals}{stocks}</div>'
