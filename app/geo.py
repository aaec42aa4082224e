"""Where things are on the map: country shapes from the Natural Earth TopoJSON, and the grid placed on the globe.

The shapes come from the npm package `world-atlas` (`countries-50m.json`),
put into Solara's cache by `python -m app.assets` at set-up; nothing is
fetched at run time. TopoJSON stores each border once, as delta-encoded
"arcs" on an integer lattice that polygons refer to by index (a negative
index `~i` is arc i reversed); `rings` turns that back into lon/lat rings.
The PyPI `topojson` package only encodes (and brings shapely), and the
decoders there are unmaintained, so the few lines below do it.

The scenario's grid is placed by `grid.bounds` ([west, south, east, north] of
its outer edges): a cell's centre is at a fixed share of that box. A site's
own `lonlat`, where given, wins over its cell.
"""

import json
from functools import cache
from pathlib import Path

import numpy as np

from app.assets import world_atlas_file


def decoded_arcs(topology: dict) -> list[np.ndarray]:
    """Every arc as an (n, 2) array of [lon, lat]: delta-decoded, then scaled and translated."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=float)
        if transform is not None:
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    """One closed ring from its arcs: each after the first drops its first point (the previous one's last)."""
    parts = []
    for k, index in enumerate(indices):
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(points if k == 0 else points[1:])
    return np.concatenate(parts)


def rings(geometry: dict, arcs: list[np.ndarray]) -> list[np.ndarray]:
    """The rings of a Polygon or MultiPolygon geometry (outer and holes alike: the map fills with even-odd)."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return []
    return [ring(indices, arcs) for polygon in polygons for indices in polygon]


@cache
def countries(path: Path | None = None) -> dict[str, list[np.ndarray]]:
    """Each country's rings, by its Natural Earth name; empty if the file is not there (set-up not run)."""
    path = path or world_atlas_file()
    if not path.exists():
        return {}
    topology = json.loads(path.read_text())
    arcs = decoded_arcs(topology)
    return {g["properties"]["name"]: rings(g, arcs) for g in topology["objects"]["countries"]["geometries"]
            if "properties" in g}


def clip_to_box(points: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """A ring clipped to [west, south, east, north] (Sutherland-Hodgman: one pass per edge of the box)."""
    west, south, east, north = box
    edges = [(0, west, True), (0, east, False), (1, south, True), (1, north, False)]
    for axis, bound, keep_above in edges:
        if len(points) == 0:
            break
        inside = points[:, axis] >= bound if keep_above else points[:, axis] <= bound
        out = []
        for k in range(len(points)):
            a, b = points[k - 1], points[k]
            a_in, b_in = inside[k - 1], inside[k]
            if a_in != b_in:
                t = (bound - a[axis]) / (b[axis] - a[axis])
                out.append(a + t * (b - a))
            if b_in:
                out.append(b)
        points = np.array(out).reshape(-1, 2)
    return points


def cell_lonlat(cell, grid) -> tuple[float, float]:
    """The centre of a grid cell on the globe, by `grid.bounds`."""
    west, south, east, north = grid.bounds
    x, y = cell
    return (west + (x + 0.5) / grid.width * (east - west), south + (y + 0.5) / grid.height * (north - south))


def site_lonlat(site, grid) -> tuple[float, float]:
    """A site's place: its own `lonlat`, else its cell's centre."""
    return tuple(site.lonlat) if site.lonlat is not None else cell_lonlat(site.cell, grid)


class Projection:
    """Lon/lat to the map's pixels: equirectangular, x shrunk by the cosine of the middle latitude."""

    def __init__(self, box: tuple[float, float, float, float], width: float, aspect: float | None = None) -> None:
        """Fit `box` ([west, south, east, north]) into `width` pixels; the height follows.

        `aspect` (x shrink) defaults to the cosine of the middle latitude; 1 draws a plain grid square.
        """
        self.box = box
        west, south, east, north = box
        self.aspect = np.cos(np.radians((south + north) / 2)) if aspect is None else aspect
        self.scale = width / ((east - west) * self.aspect)
        self.width = width
        self.height = (north - south) * self.scale

    def __call__(self, lon, lat):
        """Pixel coordinates (x right, y down) of a place or of arrays of places."""
        west, _, _, north = self.box
        return (np.asarray(lon) - west) * self.aspect * self.scale, (north - np.asarray(lat)) * self.scale


def map_box(grid, places: list[tuple[float, float]], margin: float = 0.4) -> tuple[float, float, float, float]:
    """What the map shows: the grid's bounds and every place on it, with a margin in degrees."""
    lons = [grid.bounds[0], grid.bounds[2], *(p[0] for p in places)]
    lats = [grid.bounds[1], grid.bounds[3], *(p[1] for p in places)]
    return (min(lons) - margin, min(lats) - margin, max(lons) + margin, max(lats) + margin)
