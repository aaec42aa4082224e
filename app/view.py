"""The interactive view: the theatre, last night's raid and the campaign's stock and leakers, day by day.

    attrition view                         # serves it on http://localhost:8765
    solara run app.view                    # the same, with Solara's own options

In Jupyter, `from app.view import Page; Page()` shows it in the notebook.
Built from Mesa's SolaraViz parts: its `ModelController` steps, plays and
resets the model, its `ModelCreator` shows the levers the model is rebuilt
with on Reset, its `ShowSteps` the day. The page lays them out itself rather
than through `SolaraViz`'s draggable grid, whose script fails to load in the
browser with solara 1.64 ("GlobalVue.use is not a function": the page stays
blank); the components are the same.
"""

from datetime import timedelta

import matplotlib
import numpy as np
import solara
from matplotlib.figure import Figure
from mesa.visualization import Slider
from mesa.visualization.solara_viz import ModelController, ModelCreator, ShowSteps
from mesa.visualization.utils import update_counter

from agents import DefenderBattery
from model import AirCampaign, build_scenario, scenario_data
from model.families import headings

BASE = "baseline-2025"
PAUSED_SUPPLIER = "us-pac3"
BATTERY_STYLE = {"patriot": ("^", "tab:blue"), "medium_sam": ("s", "tab:green"), "gun": ("D", "tab:olive"),
                 "mobile_fire_group": ("o", "tab:orange"), "interceptor_drones": ("P", "tab:purple"),
                 "ew": ("X", "tab:gray")}
"""Marker and colour of each battery type on the map (other types: a black dot)."""


def view_scenario(pause_start: int, pause_days: int, patriot_on_drones: bool, patriot_batteries: int,
                  salvo_size: int):
    """The base scenario with the view's levers set: a US PAC-3 pause, Patriot doctrine and count, salvo size."""
    raw, source = scenario_data(BASE)
    start = raw["start"]
    if pause_days > 0:
        raw["timeline"] = [*raw.get("timeline", []), {
            "event": "pause", "supplier": PAUSED_SUPPLIER,
            "start": start + timedelta(days=int(pause_start)), "days": int(pause_days)}]
    if patriot_on_drones:
        raw["catalog"]["doctrines"]["patriot_keep_off_drones"]["engage"] = ["ballistic", "cruise", "drone"]
    patriots = [k for k, b in enumerate(raw["batteries"]) if b["type"] == "patriot"]
    dropped = set(patriots[int(patriot_batteries):])
    raw["batteries"] = [b for k, b in enumerate(raw["batteries"]) if k not in dropped]
    largest = int(salvo_size)
    raw["attacker"]["salvo"]["swarm_size"] = [min(raw["attacker"]["salvo"]["swarm_size"][0], largest), largest]
    return build_scenario(raw, source)


def patriots_in_base() -> int:
    """How many Patriot batteries the base scenario fields."""
    raw, _ = scenario_data(BASE)
    return sum(b["type"] == "patriot" for b in raw["batteries"])


class ViewedCampaign(AirCampaign):
    """An `AirCampaign` made from the view's levers (keyword arguments, as SolaraViz rebuilds it on Reset)."""

    def __init__(self, pause_start: int = 151, pause_days: int = 0, patriot_on_drones: bool = False,
                 patriot_batteries: int | None = None, salvo_size: int = 700, rng=42) -> None:
        """Build the campaign of these levers (pause start as a day of the year, counted from 0)."""
        count = patriots_in_base() if patriot_batteries is None else patriot_batteries
        super().__init__(view_scenario(pause_start, pause_days, patriot_on_drones, count, salvo_size), rng=rng)

    def step(self) -> None:
        """One day; the view stops at the end of the campaign."""
        super().step()
        self.running = self.days_done < self.horizon


def theatre_figure(model: AirCampaign) -> Figure:
    """The grid: sites shaded by damage, batteries by type with their stock, and last night's flows."""
    fig = Figure(figsize=(8, 5.6), layout="constrained")
    ax = fig.add_subplot()
    grid = model.config.grid
    launched, leaked = model.night_launched, model.night_leaked
    if launched.sum():
        widest = launched.max()
        share = np.divide(leaked, launched, out=np.zeros(len(launched)), where=launched > 0)
        colours = matplotlib.colormaps["RdYlGn_r"](share)
        for r in np.flatnonzero(launched):
            (x0, y0), (x1, y1) = model.route_origin[r], model.route_target[r]
            ax.plot([x0, x1], [y0, y1], color=colours[r], linewidth=0.5 + 5 * launched[r] / widest, alpha=0.7,
                    zorder=1)
    damage = np.array([s.damage for s in model.sites])
    cells = np.array([s.cell.coordinate for s in model.sites])
    values = np.array([s.value for s in model.sites])
    shade = ax.scatter(cells[:, 0], cells[:, 1], c=damage, cmap="Reds", vmin=0, vmax=max(damage.max(), 1.0),
                       s=60 + 40 * values, marker="s", edgecolors="black", zorder=2, label="defended site")
    fig.colorbar(shade, ax=ax, label="damage so far (points)", shrink=0.8)
    for site, (x, y) in zip(model.sites, cells, strict=True):
        ax.annotate(site.name, (x, y), textcoords="offset points", xytext=(6, 6), fontsize="x-small")
    for area in grid.launch_areas:
        ax.scatter(*area, marker="*", s=120, color="black", zorder=3)
    shown = set()
    for battery in model.agents_by_type.get(DefenderBattery, []):
        marker, colour = BATTERY_STYLE.get(battery.type_name, (".", "black"))
        x, y = battery.cell.coordinate
        ax.scatter(x + 0.25, y - 0.25, marker=marker, color=colour, s=40, zorder=4,
                   label=battery.type_name if battery.type_name not in shown else None)
        shown.add(battery.type_name)
        rounds = int(battery.magazine.sum())
        if battery.battery_type.interceptors:
            ax.annotate(str(rounds), (x + 0.25, y - 0.25), textcoords="offset points", xytext=(4, -9),
                        fontsize="xx-small", color=colour)
    ax.set_xlim(-0.5, grid.width - 0.5)
    ax.set_ylim(-0.5, grid.height - 0.5)
    ax.set_aspect("equal")
    ax.set_xlabel("grid x (about 50 km a cell)")
    ax.set_ylabel("grid y")
    day = model.days_done
    when = model.config.date_of(day - 1) if day else model.config.start
    ax.set_title(f"Day {day} ({when}): last night {int(launched.sum())} launched, {int(leaked.sum())} got through"
                 "\nflows: width = launched, colour = share that got through (green none, red all)",
                 fontsize="small")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize="xx-small", ncols=4, markerscale=0.6)
    return fig


def series_figure(model: AirCampaign) -> Figure:
    """Theatre stock by interceptor type and leakers per night by class, for the days run so far."""
    fig = Figure(figsize=(8, 5.6), layout="constrained")
    stock_ax, leak_ax = fig.subplots(2, 1, sharex=True)
    days = np.arange(model.days_done)
    ledger = model.ledger
    marker = "o" if model.days_done < 15 else None  # a few days are points, not lines
    for k, name in enumerate(model.air_defence.interceptor_names):
        stock_ax.plot(days, ledger["stock"][: model.days_done, k], label=name, marker=marker)
    stock_ax.set_ylabel("interceptors in stock\n(rounds, theatre total)")
    stock_ax.set_yscale("symlog", linthresh=10)
    stock_ax.set_title("Interceptor stock by type", fontsize="small")
    stock_ax.legend(fontsize="xx-small", ncols=3, loc="upper right")
    leaked = ledger["leaked"][: model.days_done]
    families = ledger.totals("leaked")
    for name in headings(model.config.catalog.threats):  # classes of their own, then families of subtypes
        series = families[name][: model.days_done] if name in families else \
            leaked[:, model.air_defence.class_names.index(name)]
        leak_ax.plot(days, series, label=name, marker=marker)
    leak_ax.set_ylabel("leakers per night")
    leak_ax.set_xlabel("day of the campaign")
    leak_ax.set_title("Threats that got through, by class", fontsize="small")
    leak_ax.legend(fontsize="xx-small", ncols=4, loc="upper right")
    return fig


@solara.component
def TheatreMap(model):  # noqa: N802 - components are named like classes, as in Mesa and Solara
    """The map, redrawn after every step."""
    update_counter.get()
    return solara.FigureMatplotlib(theatre_figure(model), format="png")


@solara.component
def StockAndLeakers(model):  # noqa: N802
    """The live plots, redrawn after every step."""
    update_counter.get()
    return solara.FigureMatplotlib(series_figure(model), format="png")


MODEL_PARAMS = {
    "pause_start": Slider("PAC-3 pause: first day", 151, 0, 364, 1),
    "pause_days": Slider("PAC-3 pause: days", 0, 0, 180, 5),
    "patriot_on_drones": {"type": "Checkbox", "value": False, "label": "Patriot also fires at drones"},
    "patriot_batteries": Slider("Patriot batteries", patriots_in_base(), 0, patriots_in_base(), 1),
    "salvo_size": Slider("largest salvo", 700, 100, 1500, 50),
    "rng": 42,
}
"""The levers on the page: SolaraViz rebuilds `ViewedCampaign(**values)` on Reset."""




@solara.component
def Page():  # noqa: N802 - the name `solara run` looks for
    """The page: Mesa's controls and levers in the sidebar, the map and the live plots beside them."""
    model = solara.use_reactive(solara.use_memo(ViewedCampaign, []))
    parameters = solara.use_reactive({})
    play_interval, render_interval = solara.use_reactive(150), solara.use_reactive(1)
    threads = solara.use_reactive(False)
    with solara.AppBar():
        solara.AppBarTitle("attrition: an air-defence war of attrition")
    with solara.Sidebar(), solara.Column():
        with solara.Card("Controls"):
            solara.SliderInt("days per render", value=render_interval, min=1, max=30)
            ModelController(model, model_parameters=parameters, play_interval=play_interval,
                            render_interval=render_interval, use_threads=threads)
        with solara.Card("Levers (applied on Reset)"):
            ModelCreator(model, MODEL_PARAMS, model_parameters=parameters)
        with solara.Card("Information"):
            ShowSteps(model.value)
    with solara.Columns([1, 1]):
        TheatreMap(model.value)
        StockAndLeakers(model.value)


page = Page()
"""The page as an element, for `solara.render` and Jupyter."""
