"""The campaign model: scenarios, the grid and its routes, the timeline, the raid kernel.

Use:
    from model import AirCampaign, load_scenario
    campaign = AirCampaign(load_scenario("baseline-2025"), rng=42).run()
    campaign.daily(), campaign.summary()
"""

from model.campaign import AirCampaign
from model.errors import ScenarioError
from model.loading import build_scenario, builtin_scenarios, load_scenario, scenario_data
from model.scenario import Scenario

__all__ = [
    "AirCampaign",
    "Scenario",
    "ScenarioError",
    "build_scenario",
    "builtin_scenarios",
    "load_scenario",
    "scenario_data",
]
