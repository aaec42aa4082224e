"""What each battery covers and the threats it has met: what deliveries by site value and by threat go by.

A battery covers a site when it engages threats along one of the site's
routes or defends the site itself against ballistic missiles. The threats
it met are remembered with exponential decay (`THREAT_MEMORY_DAYS`).
"""

import numpy as np


class Coverage:
    """Per battery row: the value of the sites it covers, and the damage-weighted threats it could have engaged."""

    THREAT_MEMORY_DAYS = 30.0
    """Mean age, in days, of the threats `threat_to` remembers (exponential decay)."""

    def __init__(self, rows: int, route_site: np.ndarray, at_site: np.ndarray, site_values: np.ndarray,
                 tables) -> None:
        """Books for `rows` battery rows, by the classes of `tables` (`CatalogArrays`).

        `route_site` is each route's target site, `at_site` (sites, routes) the same as a 0/1 matrix.
        """
        self.route_site = route_site
        self.at_site = at_site
        self.site_values = site_values
        self.tables = tables
        self.threat_seen = np.zeros((rows, len(tables.class_names)))
        """Per battery row and class: recent damage-weighted launches it could have engaged (see threat_to)."""
        self.covered_value = np.zeros(rows)
        """Per battery row: the summed value of the defended sites whose routes it covers."""
        self._meets_along = np.zeros((rows, len(route_site)))
        self._meets_at_site = np.zeros((rows, len(route_site)))

    def update(self, layers: np.ndarray, terminal: np.ndarray) -> None:
        """After the routes changed: which routes each battery meets, and the value of the sites it covers."""
        rows = len(self.covered_value)
        on_route = (layers[:, :, None] == np.arange(rows)).any(axis=1)  # (routes, batteries)
        covers = np.zeros((len(self.site_values), rows), dtype=bool)
        np.logical_or.at(covers, self.route_site, on_route)
        defends = (terminal[:, :, None] == np.arange(rows)).any(axis=1)  # (sites, batteries): terminally
        covers |= defends
        self._meets_along = on_route.T.astype(float)  # (batteries, routes): engages threats along the route
        self._meets_at_site = defends.T.astype(float) @ self.at_site  # (batteries, routes): defends the route's target
        self.covered_value = self.site_values @ covers

    def remember(self, launched: np.ndarray) -> None:
        """Add tonight's damage-weighted launches (routes, classes) to what each battery could have engaged."""
        ballistic = self.tables.is_ballistic
        self.threat_seen *= 1.0 - 1.0 / self.THREAT_MEMORY_DAYS
        self.threat_seen += self._meets_along @ (launched * ~ballistic)
        self.threat_seen += self._meets_at_site @ (launched * ballistic)

    def threat_to(self, rows: np.ndarray, interceptor: int) -> np.ndarray:
        """Recent damage-weighted threats to batteries `rows` of the classes `interceptor` can kill."""
        can_kill = self.tables.kill_probability[interceptor] > 0
        return self.threat_seen[rows] @ can_kill
