"""Routes across the grid, which batteries see them, which defend each site, and which classes reach it.

A threat flies a straight route from a launch area to its target site. A
battery engages the route when its coverage disk touches the route's segment,
in the order the threat meets it (distance along the route of the battery's
closest point). Computed once per layout, never per night.
"""

import numpy as np


def route_layers(origins: np.ndarray, targets: np.ndarray, positions: np.ndarray,
                 radii: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Batteries each route crosses, in engagement order, padded with -1.

    Args:
        origins: (R, 2) launch-area cell of each route.
        targets: (R, 2) target-site cell of each route.
        positions: (B, 2) cell of each battery row.
        radii: (B,) coverage radius in cells.
        active: (B,) whether the battery row is in the theatre.

    Returns:
        (R, L) battery rows in the order a threat meets them; L >= 1.
    """
    origins = origins.astype(float)
    direction = targets.astype(float) - origins                       # (R, 2)
    length2 = np.maximum((direction**2).sum(axis=1), 1e-12)           # (R,)
    offset = positions[None, :, :].astype(float) - origins[:, None, :]  # (R, B, 2)
    along = np.clip((offset * direction[:, None, :]).sum(axis=2) / length2[:, None], 0.0, 1.0)
    closest = origins[:, None, :] + along[:, :, None] * direction[:, None, :]
    distance = np.sqrt(((positions[None, :, :] - closest) ** 2).sum(axis=2))  # (R, B)
    covers = (distance <= radii[None, :] + 1e-9) & active[None, :]
    counts = covers.sum(axis=1)
    width = max(int(counts.max(initial=0)), 1)
    order = np.argsort(np.where(covers, along, np.inf), axis=1, kind="stable")[:, :width]
    return np.where(np.arange(width)[None, :] < counts[:, None], order, -1).astype(np.int64)


def route_weights(route_site: np.ndarray, site_values: np.ndarray, concentration: float,
                  reach: np.ndarray | None = None) -> np.ndarray:
    """Share of raids on each route: sites weighted by value**concentration, split evenly over launch areas.

    With `reach` (routes, classes: whether the class reaches the route's site),
    one row per class: each site's weight split over the launch areas from which
    that class reaches it, the row summing to 1 (0 if the class reaches no site).
    """
    site_weight = np.power(site_values.astype(float), concentration)
    if site_weight.sum() <= 0:
        site_weight = np.ones_like(site_weight)
    site_weight = site_weight / site_weight.sum()
    if reach is None:
        routes_per_site = np.bincount(route_site, minlength=len(site_values))
        return site_weight[route_site] / routes_per_site[route_site]
    open_routes = reach.T.astype(float)  # (classes, routes)
    areas = np.stack([np.bincount(route_site, row, minlength=len(site_values)) for row in open_routes])
    weights = site_weight[None, route_site] / np.maximum(areas[:, route_site], 1.0) * open_routes
    total = weights.sum(axis=1, keepdims=True)
    return np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)


def terminal_defenders(site_cells: np.ndarray, positions: np.ndarray, terminal_radius: np.ndarray,
                       active: np.ndarray) -> np.ndarray:
    """Batteries defending each site against ballistic missiles, nearest first, padded with -1.

    A battery defends a site when the site lies within its `terminal_radius`
    (its defended footprint); a ballistic missile can be met only there.

    Returns:
        (S, K) battery rows per site; K >= 1.
    """
    offset = positions[None, :, :].astype(float) - site_cells[:, None, :].astype(float)  # (S, B, 2)
    distance = np.sqrt((offset**2).sum(axis=2))
    covers = (distance <= terminal_radius[None, :] + 1e-9) & (terminal_radius[None, :] > 0) & active[None, :]
    counts = covers.sum(axis=1)
    width = max(int(counts.max(initial=0)), 1)
    order = np.argsort(np.where(covers, distance, np.inf), axis=1, kind="stable")[:, :width]
    return np.where(np.arange(width)[None, :] < counts[:, None], order, -1).astype(np.int64)


def routes_in_range(origins: np.ndarray, targets: np.ndarray, ranges_km: np.ndarray, cell_km: float) -> np.ndarray:
    """(R, C) whether class c reaches route r's target from its launch area (`ranges_km` inf: anywhere)."""
    length = np.sqrt(((targets.astype(float) - origins.astype(float)) ** 2).sum(axis=1)) * cell_km  # (R,)
    return length[:, None] <= ranges_km[None, :] + 1e-9
