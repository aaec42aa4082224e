"""The page's parts: levers, summary card, map, time plots and exports, each a Solara component.

One component, `Dashboard`, reads Mesa's `update_counter` (the controller
bumps it after each step) and passes the day on to the parts it draws, so a
day costs one render pass, not one per part.
"""

import solara
from mesa.visualization.utils import update_counter

from app import charts, export, levers, summary
from app.map import map_layout, map_legend, map_overlay
from app.svg import document
from model import load_scenario


@solara.component
def LeverValue(text: str):  # noqa: N802 - components are named like classes, as in Mesa and Solara
    """A lever's current value in words, always shown (not only while its slider is held)."""
    solara.HTML(tag="div", unsafe_innerHTML=text, classes=["lever-value"], style="font-size:14px;margin-top:6px")


@solara.component
def LeverPanel(parameters: solara.Reactive, applied: dict):  # noqa: N802
    """The levers, with choices read from the chosen scenario; marked while they differ from the model's."""
    values = parameters.value
    scenario = solara.use_memo(lambda: load_scenario(values["scenario_name"]), [values["scenario_name"]])

    def set_lever(key):
        return lambda value: parameters.set({**parameters.value, key: value})

    def pick_scenario(name):
        parameters.set(levers.lever_defaults(name, parameters.value["rng"]))

    differ = levers.changed(values, applied)
    if differ:
        solara.HTML(tag="div", unsafe_innerHTML=f"● changed ({len(differ)}): press Reset to apply",
                    classes=["levers-changed"], style="color:#b45309;font-weight:600;font-size:14px")
    solara.Select("scenario", values=levers.scenario_names(), value=values["scenario_name"], on_value=pick_scenario)
    solara.InputInt("seed", value=values["rng"], on_value=lambda v: set_lever("rng")(int(v or 0)),
                    continuous_update=True)
    suppliers = [s.name for s in scenario.suppliers]
    if suppliers:
        solara.Select("pause deliveries of", values=suppliers, value=values["pause_supplier"],
                      on_value=set_lever("pause_supplier"))
        start = scenario.date_of(values["pause_start"])
        LeverValue(f"pause from day {values['pause_start'] + 1} ({start:%d %b %Y}) for {values['pause_days']} days"
                   if values["pause_days"] else "no pause")
        solara.SliderInt("pause: first day", value=values["pause_start"], min=0, max=scenario.horizon - 1,
                         on_value=set_lever("pause_start"), thumb_label="always")
        solara.SliderInt("pause: days", value=values["pause_days"], min=0, max=levers.MAX_PAUSE_DAYS, step=5,
                         on_value=set_lever("pause_days"), thumb_label="always")
    _battery_levers(scenario, values, set_lever)
    LeverValue(f"largest salvo: {values['salvo_size']:,} drones and decoys")
    solara.SliderInt("largest salvo", value=values["salvo_size"], min=50, max=3000, step=50,
                     on_value=set_lever("salvo_size"), thumb_label="always")


def _battery_levers(scenario, values: dict, set_lever) -> None:
    """The battery type picked, how many of it to keep, and what else it fires at."""
    types = levers.battery_types(scenario)
    if not types:
        return
    catalog = scenario.catalog
    kind = values["battery_type"]

    def pick_type(name):
        set_lever("battery_type")(name)
        set_lever("batteries_kept")(levers.count_of(scenario, name))
        set_lever("extra_target")(levers.NOTHING_MORE)

    solara.Select("battery type", values=types, value=kind, on_value=pick_type)
    fielded = levers.count_of(scenario, kind)
    LeverValue(f"{catalog.label(kind)}: {values['batteries_kept']} of {fielded} batteries kept")
    solara.SliderInt("batteries kept", value=values["batteries_kept"], min=0, max=fielded,
                     on_value=set_lever("batteries_kept"), thumb_label="always")
    targets = levers.extra_targets(scenario, kind)
    names = {t: catalog.label(t) if t else "nothing more" for t in targets}
    solara.Select(f"{catalog.label(kind)} also fires at", values=list(names.values()),
                  value=names.get(values["extra_target"], "nothing more"),
                  on_value=lambda label: set_lever("extra_target")({v: k for k, v in names.items()}[label]))


@solara.component
def SummaryCard(model, day: int):  # noqa: N802
    """The day and the running totals (`day`, the days run, makes it redraw)."""
    solara.HTML(tag="div", unsafe_innerHTML=summary.summary_html(summary.campaign_summary(model)),
                classes=["summary-card"])


@solara.component
def TheatreMap(model, day: int):  # noqa: N802
    """The map: its background drawn once per scenario, the day's overlay over it."""
    layout = solara.use_memo(lambda: map_layout(model.config), [model])
    overlay = document(layout.width, layout.height, map_overlay(model, layout), "the day on the map",
                       style="position:absolute;top:0;left:0")
    with solara.Div(style="position:relative", classes=["theatre-map"]):
        solara.HTML(tag="div", unsafe_innerHTML=document(layout.width, layout.height, layout.background, "map"))
        solara.HTML(tag="div", unsafe_innerHTML=overlay)
    solara.HTML(tag="div", unsafe_innerHTML=map_legend(model))


CHARTS = ((charts.stock_series, "Interceptor stock, theatre total", "rounds in stock"),
          (charts.leak_series, "Threats that got through, per night", "got through"))
"""The time plots: what each shows, its title and its y axis."""


@solara.component
def TimePlot(model, previous, which: int, day: int):  # noqa: N802
    """One time plot over the whole campaign (`CHARTS[which]`); the previous run dashed."""
    series, title, y_label = CHARTS[which]
    now = series(model)
    before = series(previous) if previous is not None else []
    with solara.Div(classes=["time-plot"]):
        solara.HTML(tag="div", unsafe_innerHTML=charts.line_chart(now, before, model.horizon, title, y_label),
                    classes=["time-plot-chart"])
        solara.HTML(tag="div", unsafe_innerHTML=charts.chart_legend(now, bool(before)), classes=["time-plot-legend"])


@solara.component
def Exports(model):  # noqa: N802
    """Download the daily table and the scenario as run (made when clicked, of the days run by then)."""
    stem = export.file_stem(model)
    solara.FileDownload(lambda: export.daily_csv(model), filename=f"{stem}.csv", label="daily table (CSV)",
                        mime_type="text/csv")
    solara.FileDownload(lambda: export.scenario_toml(model.config, model.seed_used), filename=f"{stem}.toml",
                        label="scenario (TOML)", mime_type="application/toml")


@solara.component
def Dashboard(model, previous):  # noqa: N802
    """The map and summary above, the two time plots below; redrawn after every step."""
    update_counter.get()
    day = model.days_done
    with solara.Columns([3, 2]):
        TheatreMap(model, day)
        SummaryCard(model, day)
    with solara.Columns([1, 1]):
        TimePlot(model, previous, 0, day)
        TimePlot(model, previous, 1, day)
