"""The campaign's daily books: the ledger's blocks, opened once, and the rows each day writes.

Flows are the day's (a night's launches and kills, rounds fired, deliveries),
stocks are end-of-day. The derived columns (damage, value protected, spend)
are computed from these blocks when the table is read.
"""

import numpy as np

from model.families import members
from model.ledger import Ledger
from model.raid_records import RaidOutcome

LOGISTICS_BOOKS = ("dispatched", "delivered", "in_transit", "held")
"""Supplier books kept per day, theatre totals by interceptor type."""
NIGHT_BOOKS = ("launched", "shot_down", "lost_to_ew", "leaked")
"""Counts kept per night, by threat class."""


class CampaignBooks:
    """The blocks of the daily table, as (days, labels) arrays the campaign and its rules write into."""

    def __init__(self, horizon: int, defence, threats: dict, site_names: list[str], site_values: np.ndarray,
                 supplier_names: list[str], unit_cost: np.ndarray) -> None:
        """Open a ledger of `horizon` days for the catalog arrays of `defence` (an `AirDefence`)."""
        classes, types = defence.class_names, defence.interceptor_names
        self.ledger = book = Ledger(horizon)
        self.night = book.add_stack(NIGHT_BOOKS, classes)
        """(days, 4, classes): launched, shot down, lost to EW, leaked."""
        families = {name: [classes.index(c) for c in group]
                    for name, group in members(threats).items() if name not in classes}
        for name in (*NIGHT_BOOKS, "neutralised"):
            book.add_totals(name, families)
        self.fired = book.add_block("fired", types)
        self.stock = book.add_block("stock", types)
        self.logistics = book.add_stack(LOGISTICS_BOOKS, types, cumulative=("dispatched", "delivered"))
        self.added = book.add_block("added_with_batteries", types)
        self.lost = book.add_block("lost_with_batteries", types)
        self.damage_at = book.add_block("damage_at", site_names, float)
        self.undefended = book.add_block("damage_undefended_at", site_names, float)
        self.salvo = book.add_block("salvo", [""], bool)
        self.flowing = book.add_block("flowing", supplier_names, bool)
        self.intel = book.add_block("intel_shared", [""], bool)
        capable, round_cost = defence.ballistic_capable, defence.round_cost
        book.derive("neutralised", classes, lambda b: b["shot_down"] + b["lost_to_ew"])
        book.derive("damage", [""], lambda b: b["damage_at"].sum(axis=1, keepdims=True))
        book.derive("value_weighted_damage", [""], lambda b: b["damage_at"] @ site_values[:, None])
        book.derive("value_protected", [""],
                    lambda b: (b["damage_undefended_at"] - b["damage_at"]) @ site_values[:, None])
        book.derive("ballistic_capable_left", [""], lambda b: b["stock"][:, capable].sum(axis=1, keepdims=True))
        book.derive("attacker_spend_usd", [""], lambda b: b["launched"] @ unit_cost[:, None])
        book.derive("defender_spend_usd", [""], lambda b: b["fired"] @ round_cost[:, None])

    def outcome(self, d: int) -> RaidOutcome:
        """Day `d`'s rows the raid kernel writes the night into (views: nothing is copied)."""
        night = self.night[d]
        return RaidOutcome(shot_down=night[1], lost_to_ew=night[2], leaked=night[3], fired=self.fired[d],
                           damage=self.damage_at[d])

    def record_day(self, d: int, stock: np.ndarray, logistics: np.ndarray, pauses: np.ndarray,
                   intel_shared: bool) -> None:
        """End of day `d`: theatre stock, the suppliers' books, which suppliers flow, whether intelligence is shared."""
        self.stock[d] = stock.sum(axis=0)
        self.logistics[d] = logistics.sum(axis=1)
        self.flowing[d] = pauses == 0
        self.intel[d] = intel_shared


# ---------------------------------------------------------------- conservation laws
INTERCEPTOR_SOURCES = ("dispatched", "added_with_batteries")
"""Where a theatre's interceptors come from after the start (flows), besides the initial stock."""
INTERCEPTOR_SINKS = ("fired", "lost_with_batteries", "stock", "in_transit", "held")
"""Where every interceptor is: gone (fired, lost with destroyed batteries: flows) or held (stocks)."""
FLOWS = frozenset({"dispatched", "delivered", "added_with_batteries", "fired", "lost_with_batteries"})
"""Books kept per day that are summed over the days to date; the others are end-of-day stocks."""


def _to_date(ledger: Ledger, name: str, days: int) -> np.ndarray:
    """Block `name` over the first `days` days: running totals for flows, as kept for stocks."""
    values = ledger[name][:days]
    return values.cumsum(axis=0) if name in FLOWS else values


def interceptor_imbalance(campaign, sinks: tuple[str, ...] = INTERCEPTOR_SINKS) -> np.ndarray:
    """(days, interceptor types): what came in (initial stock and `INTERCEPTOR_SOURCES`) less every `sinks` book.

    All zeros when every round is accounted for; `sinks` lets a check show that a term is needed.
    """
    ledger, days = campaign.ledger, campaign.days_done
    came_in = np.asarray(campaign.initial_stock) + sum(_to_date(ledger, name, days) for name in INTERCEPTOR_SOURCES)
    return came_in - sum(_to_date(ledger, name, days) for name in sinks)


def check_books(campaign) -> list[str]:
    """Every conservation law the books of `campaign` (an `AirCampaign`, run for some days) break; [] if none.

    Threats: launched = neutralised + leaked and neutralised = shot down + lost
    to EW, per class and per family (each family's columns total its classes),
    and EW never stops a ballistic missile. Interceptors: initial + dispatched
    + added with batteries = fired + lost with batteries + stock + in transit
    + held, by type, every day; and each supplier's dispatched = in transit +
    held + delivered. No book, stock or stockpile is ever negative.
    """
    ledger, days = campaign.ledger, campaign.days_done
    book = {name: ledger[name][:days] for name in (*NIGHT_BOOKS, "neutralised", "fired", "stock", "lost_with_batteries",
                                                    *LOGISTICS_BOOKS, "added_with_batteries")}
    problems = []

    def law(holds, what: str) -> None:
        if not np.all(holds):
            problems.append(what)

    law(book["launched"] == book["neutralised"] + book["leaked"], "launched != neutralised + leaked")
    law(book["neutralised"] == book["shot_down"] + book["lost_to_ew"], "neutralised != shot down + lost to EW")
    law(book["lost_to_ew"][:, campaign.air_defence.is_ballistic] == 0, "EW stopped a ballistic missile")
    for name in (*NIGHT_BOOKS, "neutralised"):
        for family, total in ledger.totals(name).items():
            of_family = [k for k, t in enumerate(campaign.config.catalog.threats.values()) if t.family == family]
            law(total[:days] == book[name][:, of_family].sum(axis=1), f"{name}_{family} is not its classes' sum")
    law(interceptor_imbalance(campaign) == 0, "interceptors not conserved")
    logistics = campaign.logistics  # (book, supplier, type), each supplier's own rows, end of the last day
    law(logistics[0] == logistics[1] + logistics[2] + logistics[3], "a supplier's dispatched != in transit + held + "
        "delivered")
    for k, supplier in enumerate(campaign.suppliers.values()):
        law(logistics[2, k] == sum((s.rounds for s in supplier.shipments), np.zeros_like(logistics[2, k])),
            f"{supplier.name}'s in transit is not its shipments' rounds")
    law(_to_date(ledger, "delivered", days) + _to_date(ledger, "added_with_batteries", days)
        - _to_date(ledger, "fired", days) - _to_date(ledger, "lost_with_batteries", days)
        + np.asarray(campaign.initial_stock) == book["stock"], "stock moved other than by deliveries, arrivals, "
        "fire and losses")
    if days:
        law(book["stock"][-1] == campaign.batteries.stock.sum(axis=0), "the books' stock is not the batteries'")
    law(_to_date(ledger, "dispatched", days) == _to_date(ledger, "delivered", days) + book["in_transit"]
        + book["held"], "dispatched != in transit + held + delivered")
    for name, values in book.items():
        law(values >= 0, f"{name} negative")
    law(campaign.attacker.stockpile >= 0, "the attacker's stockpile is negative")
    law(campaign.batteries.stock >= 0, "a battery's stock is negative")
    return problems
