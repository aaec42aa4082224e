"""The theatre on a map of Ukraine: the country drawn once, last night's flows, damage and batteries every day.

`MapLayout` holds what does not change during a run (the projection, the
country outlines as one SVG, where each site and launch area sits);
`map_overlay` draws the day over it. Damage is shaded on a fixed scale
(`DAMAGE_BINS`), the same on every day and in every run, so colours compare.
A scenario without `grid.bounds` is drawn on its bare grid.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from html import escape

import numpy as np

from agents import DefenderBattery
from app import geo, svg

WIDTH = 560
"""The map's width in pixels at which its text has the sizes written here (it scales with the page)."""
DAMAGE_BINS = (0.0, 10.0, 100.0, 1000.0)
"""Damage so far (points) at which a site's shade steps up: none, up to 10, 100, 1000, more."""
DAMAGE_COLOURS = ("#ffffff", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000")
RECOGNISED = {"Ukraine": [("Russia", (32.4, 44.3, 36.7, 46.3))]}
"""Natural Earth 4.1 draws Crimea with Russia (the line held on the ground); the map shows the internationally
recognised border, so Russia's ring inside that box ([west, south, east, north]) is drawn as Ukraine's."""
COUNTRY = "Ukraine"
SEA, LAND, HOME = "#dbe9f4", "#ecebe6", "#fffdf5"


def damage_colour(damage: float) -> str:
    """The fixed shade of a damage total."""
    return DAMAGE_COLOURS[int(np.searchsorted(DAMAGE_BINS, damage, side="left"))]


def flow_colour(share: float) -> str:
    """Green (none got through) through yellow to red (all did)."""
    stops = np.array([[26, 152, 80], [254, 224, 139], [215, 48, 39]], dtype=float)
    at = min(max(share, 0.0), 1.0) * 2
    k = min(int(at), 1)
    rgb = stops[k] + (stops[k + 1] - stops[k]) * (at - k)
    return "#" + "".join(f"{int(round(c)):02x}" for c in rgb)


def flow_width(launched: float) -> float:
    """A flow's width in pixels, on a fixed logarithmic scale: 1 threat 1.6 px, 10: 2.8, 100: 4.6, 1000: 6.4."""
    return 1.0 + 1.8 * np.log10(1.0 + launched)


def country_rings(name: str, shapes: dict, box) -> list[np.ndarray]:
    """A country's rings clipped to the box, with what `RECOGNISED` gives it and without what it takes away."""
    own = list(shapes.get(name, []))
    for other, area in RECOGNISED.get(name, []):
        own += [r for r in shapes.get(other, []) if _inside(r, area)]
    taken = [area for country, gains in RECOGNISED.items() if country != name for owner, area in gains
             if owner == name]
    own = [r for r in own if not any(_inside(r, area) for area in taken)]
    west, south, east, north = box
    near = [r for r in own if r[:, 0].max() >= west and r[:, 0].min() <= east and r[:, 1].max() >= south
            and r[:, 1].min() <= north]
    return [c for c in (geo.clip_to_box(r, box) for r in near) if len(c) > 2]


def _inside(ring: np.ndarray, area) -> bool:
    west, south, east, north = area
    return bool((ring[:, 0] >= west).all() and (ring[:, 0] <= east).all() and (ring[:, 1] >= south).all()
                and (ring[:, 1] <= north).all())


@dataclass
class MapLayout:
    """Where everything of a scenario sits on the map, and the map's unchanging background."""

    width: float
    height: float
    project: object
    site_px: np.ndarray
    launch_px: np.ndarray
    background: str
    grid: object

    def cell_px(self, cell) -> tuple[float, float]:
        """A grid cell's centre in pixels."""
        if self.grid.bounds is None:
            return self.project(cell[0] + 0.5, cell[1] + 0.5)
        return self.project(*geo.cell_lonlat(cell, self.grid))


def map_layout(config, shapes: dict | None = None) -> MapLayout:
    """The layout of a scenario: on the globe if its grid has `bounds`, else on the bare grid."""
    grid = config.grid
    shapes = geo.countries() if shapes is None else shapes
    if grid.bounds is None:
        project = geo.Projection((0, 0, grid.width, grid.height), WIDTH, aspect=1.0)  # y up: north at the top
        sites = [(s.cell[0] + 0.5, s.cell[1] + 0.5) for s in config.sites]
        launch = [(a[0] + 0.5, a[1] + 0.5) for a in grid.launch_areas]
        background = f'<rect width="{WIDTH}" height="{project.height:.0f}" fill="{LAND}"/>'
    else:
        sites = [geo.site_lonlat(s, grid) for s in config.sites]
        launch = [geo.cell_lonlat(a, grid) for a in grid.launch_areas]
        home = shapes.get(COUNTRY, [])
        outline = [(r[:, 0].min(), r[:, 1].min()) for r in home] + [(r[:, 0].max(), r[:, 1].max()) for r in home]
        box = geo.map_box(grid, sites + launch + outline)
        project = geo.Projection(box, WIDTH)
        background = _background(shapes, box, project) if shapes is not geo.countries() else _drawn_once(box)
    site_px = np.array([project(*p) for p in sites])
    launch_px = np.array([project(*p) for p in launch])
    return MapLayout(WIDTH, project.height, project, site_px, launch_px, background, grid)


@cache
def _drawn_once(box) -> str:
    """The background of the built-in shapes for a box: every run of a scenario shares it."""
    return _background(geo.countries(), box, geo.Projection(box, WIDTH))


def _background(shapes: dict, box, project) -> str:
    """Sea, the neighbours faint, the country itself: the part of the map drawn once."""
    parts = [f'<rect width="{project.width:.0f}" height="{project.height:.0f}" fill="{SEA}"/>']
    for name in shapes:
        if name == COUNTRY:
            continue
        rings = [np.column_stack(project(r[:, 0], r[:, 1])) for r in country_rings(name, shapes, box)]
        if rings:
            parts.append(f'<path d="{svg.path_of_rings(rings)}" fill="{LAND}" stroke="#b9b6ad" stroke-width="0.6" '
                         f'fill-rule="evenodd"><title>{escape(name)}</title></path>')
    home = [np.column_stack(project(r[:, 0], r[:, 1])) for r in country_rings(COUNTRY, shapes, box)]
    parts.append(f'<path d="{svg.path_of_rings(home)}" fill="{HOME}" stroke="#4a4a4a" stroke-width="1.4" '
                 f'fill-rule="evenodd" class="home-country"><title>{COUNTRY}</title></path>')
    return "".join(parts)


def fielded(model) -> list:
    """The batteries in the theatre now (destroyed ones have left the grid)."""
    return list(model.agents_by_type.get(DefenderBattery, []))


def battery_positions(model, layout: MapLayout) -> list[tuple[object, float, float]]:
    """Each battery beside the place it stands at: a site sharing its cell, else the cell; several in a ring."""
    site_at = {tuple(s.cell): k for k, s in enumerate(model.config.sites)}
    groups: dict[tuple, list] = defaultdict(list)
    for battery in fielded(model):
        groups[tuple(battery.cell.coordinate)].append(battery)
    placed = []
    for cell, batteries in groups.items():
        x0, y0 = layout.site_px[site_at[cell]] if cell in site_at else layout.cell_px(cell)
        radius = 13 + 1.2 * len(batteries)
        for k, battery in enumerate(batteries):
            angle = 2 * np.pi * k / len(batteries) - np.pi / 2
            placed.append((battery, x0 + radius * np.cos(angle), y0 + radius * np.sin(angle)))
    return placed


def map_overlay(model, layout: MapLayout) -> str:
    """What changes from day to day, over the background: flows, sites shaded by damage, batteries, names."""
    catalog = model.config.catalog
    kinds = list(catalog.battery_types)
    parts = []
    launched, leaked = model.night_launched.copy(), model.night_leaked.copy()  # Play may step while this draws
    launch_index = {tuple(a): k for k, a in enumerate(model.config.grid.launch_areas)}
    for r in np.flatnonzero(launched > 0):
        x0, y0 = layout.launch_px[launch_index[tuple(model.route_origin[r])]]
        x1, y1 = layout.site_px[model.route_site[r]]
        share = min(leaked[r], launched[r]) / launched[r]
        parts.append(f'<line class="flow" x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
                     f'stroke="{flow_colour(share)}" stroke-width="{flow_width(launched[r]):.2f}" '
                     f'stroke-opacity="0.75" stroke-linecap="round"/>')
    for x, y in layout.launch_px:
        parts.append(svg.marker(2, x, y, 14, "#5b0f0f", "launch area"))
    for battery, x, y in battery_positions(model, layout):
        k = kinds.index(battery.type_name)
        rounds = int(battery.magazine.sum())
        name = battery.name or catalog.label(battery.type_name)
        parts.append(svg.marker(k, x, y, 9, svg.colour(k), f"{name}: {rounds} rounds"))
    for site, (x, y) in zip(model.sites, layout.site_px, strict=True):
        size = 10 + 1.2 * site.value
        parts.append(f'<rect class="site" x="{x - size / 2:.1f}" y="{y - size / 2:.1f}" width="{size:.1f}" '
                     f'height="{size:.1f}" fill="{damage_colour(site.damage)}" stroke="#111" stroke-width="1.2">'
                     f"<title>{escape(site.name)}: damage {site.damage:.0f}</title></rect>")
    parts += _site_names(model, layout)
    return "".join(parts)


def _site_names(model, layout: MapLayout) -> list[str]:
    """Site names, beside their squares; a second site in the same place writes its name below the first."""
    seen: dict[tuple, int] = defaultdict(int)
    out = []
    for site, (x, y) in zip(model.sites, layout.site_px, strict=True):
        key = (round(x / 40), round(y / 25))
        dy = 16 * seen[key]
        seen[key] += 1
        out.append(svg.text(x + 12, y - 8 + dy, site.name, size=13, halo=True))
    return out


def map_svg(model, layout: MapLayout) -> str:
    """The whole map as one SVG (the page layers the overlay over a background drawn once)."""
    return svg.document(layout.width, layout.height, layout.background + map_overlay(model, layout), "theatre map")


def map_legend(model) -> str:
    """The map's key, below it: battery types, launch areas, the damage scale and the flows."""
    catalog = model.config.catalog
    types_fielded = {b.type_name for b in fielded(model)}
    items = [(svg.swatch(svg.colour(k), k), catalog.label(name)) for k, name in enumerate(catalog.battery_types)
             if name in types_fielded]
    items.append((svg.swatch("#5b0f0f", 2), "launch area"))
    bounds = [f"{a:g}" for a in DAMAGE_BINS]
    names = ["no damage"] + [f"up to {b}" for b in bounds[1:]] + [f"over {bounds[-1]}"]
    damage = [(svg.swatch(c, 1), n) for c, n in zip(DAMAGE_COLOURS, names, strict=True)]
    flows = [(svg.swatch(flow_colour(s)), n) for s, n in ((0.0, "none got through"), (0.5, "half"),
                                                          (1.0, "all got through"))]
    return (svg.legend(items) + '<div style="font-size:13px">site damage so far (points):</div>' + svg.legend(damage)
            + '<div style="font-size:13px">last night\'s flows (width: how many launched):</div>' + svg.legend(flows))
