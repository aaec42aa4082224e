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
