"""Run-level outcomes, read off the daily ledger.

Names, as they appear in `summary()`:
- `launched_<class>`, `neutralised_<class>`, `leaked_<class>`: totals over the run.
- `neutralised_share_<class>`: neutralised / launched (NaN when none launched).
- the same four for each family of subtypes (`launched_cruise`: Kh-101, Kalibr, ... together).
- `leaked_threats`: leakers of every class that does damage (decoys left out).
- `damage`: damage points of all leakers; `value_weighted_damage`: each point times its site's value.
- `value_weighted_damage_undefended`: what every launched threat would have done had none been stopped;
  `value_protected`: that minus `value_weighted_damage` (the damage the defence averted, value-weighted).
- `days_to_empty_<interceptor>`: the first day (0 = the first day of the run) that ended with no round
  of that type in the theatre; NaN when it never ran out.
- `days_without_ballistic_defence`: nights after which no ballistic-capable round was left in the theatre.
- `min_stock_<interceptor>`: lowest end-of-day theatre stock.
- `attacker_spend_usd`, `defender_spend_usd`: munitions launched and rounds fired, at catalog prices.
- `cost_exchange_ratio`: defender spend / attacker spend (above 1: defending costs more than attacking).
"""

import numpy as np

from model.ledger import Ledger


def summarise(ledger: Ledger, days: int, classes: list[str], interceptors: list[str],
              does_damage: np.ndarray) -> dict:
    """The summary of the first `days` days of a ledger (`does_damage`: a mask of the classes that count)."""
    out: dict[str, float | int] = {"days": days}
    launched = ledger["launched"][:days].sum(axis=0)
    neutralised = ledger["neutralised"][:days].sum(axis=0)
    leaked = ledger["leaked"][:days].sum(axis=0)
    for k, name in enumerate(classes):
        out[f"launched_{name}"] = int(launched[k])
        out[f"neutralised_{name}"] = int(neutralised[k])
        out[f"leaked_{name}"] = int(leaked[k])
        out[f"neutralised_share_{name}"] = float(neutralised[k] / launched[k]) if launched[k] else float("nan")
    totals = {book: {g: int(v[:days].sum()) for g, v in ledger.totals(book).items()}
              for book in ("launched", "neutralised", "leaked")}
    for family, launched_total in totals["launched"].items():
        out[f"launched_{family}"] = launched_total
        out[f"neutralised_{family}"] = totals["neutralised"][family]
        out[f"leaked_{family}"] = totals["leaked"][family]
        out[f"neutralised_share_{family}"] = (totals["neutralised"][family] / launched_total if launched_total
                                              else float("nan"))
    out["leaked_threats"] = int(leaked[does_damage].sum())
    out["damage"] = float(ledger["damage"][:days].sum())
    out["value_weighted_damage"] = float(ledger["value_weighted_damage"][:days].sum())
    protected = float(ledger["value_protected"][:days].sum())
    out["value_weighted_damage_undefended"] = out["value_weighted_damage"] + protected
    out["value_protected"] = protected
    out["days_without_ballistic_defence"] = int((ledger["ballistic_capable_left"][:days] == 0).sum())
    stock = ledger["stock"][:days]
    for k, name in enumerate(interceptors):
        out[f"min_stock_{name}"] = int(stock[:, k].min()) if days else 0
        out[f"fired_{name}"] = int(ledger["fired"][:days, k].sum())
        empty = np.flatnonzero(stock[:, k] == 0)
        out[f"days_to_empty_{name}"] = int(empty[0]) if len(empty) else float("nan")
    attack = float(ledger["attacker_spend_usd"][:days].sum())
    defend = float(ledger["defender_spend_usd"][:days].sum())
    out["attacker_spend_usd"] = attack
    out["defender_spend_usd"] = defend
    out["cost_exchange_ratio"] = defend / attack if attack else float("nan")
    return out
