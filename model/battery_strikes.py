"""Strikes on batteries: on a salvo night, missiles from the ballistic stockpile at the batteries themselves.

The rule's parameters are `BatteryStrikes` (`agents/attacker.py`); the
attacker gives the missiles (`Attacker.spend_missile`), each battery aimed at
fires at the one coming for it (`DefenderBattery.defend_against`), and one that
gets through may destroy it (`DefenderBattery.destroy`).
"""

import numpy as np

from agents import DefenderBattery


def strike_batteries(campaign, night: np.ndarray, fired: np.ndarray, lost: np.ndarray) -> None:
    """Fly the rule's missiles at batteries of its types in the fight, one at a time, each at a random one.

    Tonight's books are written as it goes: `night` (launched, shot down, lost
    to EW, leaked by class), `fired` by interceptor type, and `lost`, the rounds
    lost with destroyed batteries.
    """
    rule = campaign.config.attacker.battery_strikes
    ballistic = np.flatnonzero(campaign.air_defence.is_ballistic)
    for _ in range(rule.missiles):
        targets = [b for b in campaign.agents_by_type.get(DefenderBattery, [])
                   if b.type_name in rule.types and b.in_fight]
        if not targets:
            return
        threat = campaign.attacker.spend_missile(ballistic)
        if threat is None:
            return
        battery = targets[int(campaign.rng.integers(len(targets)))]
        night[0, threat] += 1
        killed, round_type, rounds = battery.defend_against(threat, campaign.rng)
        if rounds:
            fired[round_type] += rounds
        if killed:
            night[1, threat] += 1
            continue
        night[3, threat] += 1
        if campaign.rng.random() < rule.destroy_probability:
            lost += battery.destroy()
