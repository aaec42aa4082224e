"""The interactive view: the theatre on a map of Ukraine, a summary card, and the campaign's stock and leakers.

    attrition view                         # serves it on http://localhost:8765
    solara run app.view                    # the same, with Solara's own options

In Jupyter, `from app.view import Page; Page()` shows it in the notebook.
Mesa's `ModelController` steps, plays and resets the model; the levers
(`app.levers`, shown by `app.panels.LeverPanel`) are what it rebuilds the
model with on Reset. The page lays its parts out itself rather than through
`SolaraViz`'s draggable grid, whose script fails to load in the browser with
solara 1.64 ("GlobalVue.use is not a function": the page stays blank).
Figures are SVG written from the numbers (`app.map`, `app.charts`), which
keeps Play at several days a second.
"""

import solara
from mesa.visualization.solara_viz import ModelController

from app import levers
from app.levers import BASE, view_scenario
from app.panels import Dashboard, Exports, LeverPanel, LeverValue
from model import AirCampaign

PLAY_MS = 250
"""Pause between frames while playing, in milliseconds. It must outlast one redraw of the page: a click (Pause,
a lever) redraws from another thread, and Solara gives up ("Too many renders") if every pass of that redraw
sees a new frame."""
DAYS_PER_FRAME = 4
"""Days stepped between two redraws while playing (the slider changes it): about 10-15 days a second."""


class ViewedCampaign(AirCampaign):
    """An `AirCampaign` made from the view's levers (keyword arguments, as Mesa's controller rebuilds it on Reset).

    A lever left out (or None) takes the chosen scenario's own value (`levers.lever_defaults`); `levers`
    keeps them all, for the page to tell whether the panel's differ.
    """

    def __init__(self, scenario_name: str = BASE, pause_supplier: str | None = None, pause_start: int | None = None,
                 pause_days: int = 0, battery_type: str | None = None, batteries_kept: int | None = None,
                 extra_target: str = levers.NOTHING_MORE, salvo_size: int | None = None, rng: int = 42) -> None:
        """Build the campaign of these levers on `scenario_name`, seeded with `rng`."""
        given = {"pause_supplier": pause_supplier, "pause_start": pause_start, "pause_days": pause_days,
                 "battery_type": battery_type, "batteries_kept": batteries_kept, "extra_target": extra_target,
                 "salvo_size": salvo_size}
        self.levers = {**levers.lever_defaults(scenario_name, rng),
                       **{k: v for k, v in given.items() if v is not None}}
        if battery_type is not None and batteries_kept is None:
            self.levers["batteries_kept"] = levers.count_of(levers.load_scenario(scenario_name), battery_type)
        self.seed_used = rng
        super().__init__(view_scenario(**self.levers), rng=rng)

    def step(self) -> None:
        """One day; the view stops at the end of the campaign."""
        super().step()
        self.running = self.days_done < self.horizon


@solara.component
def Page():  # noqa: N802 - the name `solara run` looks for
    """The page: controls, levers and exports in the sidebar; map, summary and plots beside them."""
    model = solara.use_reactive(solara.use_memo(ViewedCampaign, []))
    parameters = solara.use_reactive(solara.use_memo(lambda: dict(model.value.levers), []))
    previous = solara.use_reactive(None)
    last = solara.use_ref(model.value)
    render_interval = solara.use_reactive(DAYS_PER_FRAME)
    play_interval, threads = solara.use_reactive(PLAY_MS), solara.use_reactive(False)  # Mesa reads them as reactives

    def remember_the_run_replaced():
        if last.current is not model.value:
            previous.set(last.current if last.current.days_done else previous.value)
            last.current = model.value

    solara.use_effect(remember_the_run_replaced, [model.value])
    with solara.AppBar():
        solara.AppBarTitle("attrition: an air-defence war of attrition")
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            ModelController(model, model_parameters=parameters, play_interval=play_interval,
                            render_interval=render_interval, use_threads=threads)
            LeverValue(f"{render_interval.value} days per frame (per redraw)")
            solara.SliderInt("days per frame", value=render_interval, min=1, max=30)
        with solara.Card("Levers (applied on Reset)"):
            LeverPanel(parameters, model.value.levers)
        with solara.Card("Export"):
            Exports(model.value)
    Dashboard(model.value, previous.value)


page = Page()
"""The page as an element, for `solara.render` and Jupyter."""
