"""The campaign's actors: attacker, defender batteries, suppliers and the sites they fight over.

Each module owns its agent and the typed parameters that agent reads from a
scenario file. Rules that come in kinds (allocation, targeting, strategy) are
one small class each, registered by name (`agents/registry.py`). Agents import
only mesa, numpy and pydantic: never `model` or `experiments`.
"""

from agents.attacker import Attacker, AttackerParams, ThreatClass
from agents.battery import BatteryStatus, BatteryType, DefenderBattery, Doctrine, InterceptorType
from agents.site import DefendedSite, SiteParams
from agents.supplier import Supplier, SupplierParams

__all__ = [
    "Attacker",
    "AttackerParams",
    "BatteryStatus",
    "BatteryType",
    "DefendedSite",
    "DefenderBattery",
    "Doctrine",
    "InterceptorType",
    "SiteParams",
    "Supplier",
    "SupplierParams",
    "ThreatClass",
]
