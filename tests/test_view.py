"""The interactive view (`app.view`): its levers, its figures, and its page rendered and clicked in a test.

The page is rendered with `solara.render` inside an `AppLayout` (the sidebar's
controls only render there), as Mesa's own examples test their apps; its
buttons are clicked and its sliders set through their ipyvuetify widgets.
Run from the repository root (`python -m pytest`), where `app` is importable.
"""

import inspect
import math
from collections import Counter
from datetime import date, timedelta

import ipyvuetify
import ipywidgets
import matplotlib
import numpy as np
import pytest
import solara
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from mesa.visualization.solara_viz import _check_model_params

from app import view
from model import AirCampaign, load_scenario
from model.families import headings
from model.timeline.aid import Pause

PNG = b"\x89PNG\r\n\x1a\n"
BASE_START = date(2025, 1, 1)
SLIDERS = {name: view.MODEL_PARAMS[name].label
           for name in ("pause_start", "pause_days", "patriot_batteries", "salvo_size")}
CHECKBOX = "Patriot also fires at drones"


def battery_counts(scenario) -> Counter:
    return Counter(b.type for b in scenario.batteries)


def same(a, b) -> bool:
    """Equal, NaN equal to NaN (a summary's "days to empty" is NaN for stocks that never empty)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


# ---------------------------------------------------------------- view_scenario: the levers


def view_defaults_scenario(**levers):
    """`view_scenario` with the page's default levers, `levers` changed."""
    values = {"pause_start": 151, "pause_days": 0, "patriot_on_drones": False,
              "patriot_batteries": view.patriots_in_base(), "salvo_size": 700}
    return view.view_scenario(**{**values, **levers})


def test_no_pause_lever_adds_no_pause():
    base = load_scenario(view.BASE)
    scenario = view_defaults_scenario(pause_days=0, pause_start=40)
    assert [e for e in scenario.timeline if isinstance(e, Pause)] == [e for e in base.timeline if isinstance(e, Pause)]
    assert len(scenario.timeline) == len(base.timeline)


@pytest.mark.parametrize(("pause_start", "pause_days"), [(151, 30), (0, 5), (300, 180)])
def test_pause_lever_adds_one_pause_of_us_pac3(pause_start, pause_days):
    base = load_scenario(view.BASE)
    scenario = view_defaults_scenario(pause_start=pause_start, pause_days=pause_days)
    added = scenario.timeline[len(base.timeline):]
    assert len(added) == 1
    pause = added[0]
    assert isinstance(pause, Pause)
    assert pause.supplier == view.PAUSED_SUPPLIER == "us-pac3"
    assert scenario.start == BASE_START
    assert pause.start == scenario.start + timedelta(days=pause_start)
    assert pause.days == pause_days
    assert pause.resumes == pause.start + timedelta(days=pause_days)


def test_pause_lever_stops_us_pac3_deliveries_for_its_length():
    campaign = view.ViewedCampaign(pause_start=10, pause_days=30).run(60)
    flowing = campaign.daily()["flowing_us-pac3"].to_numpy()
    assert flowing[:10].all()
    assert not flowing[10:40].any()
    assert flowing[40:].all()
    assert view.ViewedCampaign().run(60).daily()["flowing_us-pac3"].all()


def test_patriot_on_drones_adds_drone_to_the_patriot_doctrine():
    doctrine = "patriot_keep_off_drones"
    assert load_scenario(view.BASE).catalog.battery_types["patriot"].doctrine == doctrine
    off = view_defaults_scenario(patriot_on_drones=False).catalog.doctrines[doctrine]
    on = view_defaults_scenario(patriot_on_drones=True).catalog.doctrines[doctrine]
    assert "drone" not in off.engage
    assert "drone" in on.engage
    assert [c for c in on.engage if c != "drone"] == off.engage  # the other classes, in their order
    assert on.shots_per_target == off.shots_per_target
    assert on.ballistic_reserve == off.ballistic_reserve


def test_patriot_on_drones_makes_patriot_fire_early_in_the_year():
    # Drones fly every night; ballistic and cruise missiles do not: the first week shows the doctrine.
    off = view.ViewedCampaign(patriot_on_drones=False).run(7).daily()
    on = view.ViewedCampaign(patriot_on_drones=True).run(7).daily()
    assert on["fired_pac3_mse"].sum() > off["fired_pac3_mse"].sum()


@pytest.mark.parametrize("k", [0, 1, 3, 6])
def test_patriot_batteries_keeps_exactly_k_and_nothing_else_changes(k):
    base = battery_counts(load_scenario(view.BASE))
    assert base["patriot"] == view.patriots_in_base() == 6
    counts = battery_counts(view_defaults_scenario(patriot_batteries=k))
    assert counts.get("patriot", 0) == k
    assert {t: n for t, n in counts.items() if t != "patriot"} == {t: n for t, n in base.items() if t != "patriot"}


def test_patriot_batteries_keeps_the_first_k_in_file_order():
    base = [b for b in load_scenario(view.BASE).batteries if b.type == "patriot"]
    kept = [b for b in view_defaults_scenario(patriot_batteries=2).batteries if b.type == "patriot"]
    assert [b.name for b in kept] == [b.name for b in base[:2]]


def test_patriot_batteries_fielded_in_the_campaign():
    campaign = view.ViewedCampaign(patriot_batteries=2)
    fielded = [b for b in campaign.agents_by_type[view.DefenderBattery] if b.type_name == "patriot"]
    assert len(fielded) == 2


@pytest.mark.parametrize(("salvo", "expected"), [(700, [400, 700]), (1500, [400, 1500]), (400, [400, 400]),
                                                 (100, [100, 100]), (250, [250, 250])])
def test_salvo_size_sets_the_upper_end_and_the_lower_end_never_above_it(salvo, expected):
    assert load_scenario(view.BASE).attacker.salvo.swarm_size[0] == 400
    swarm = list(view_defaults_scenario(salvo_size=salvo).attacker.salvo.swarm_size)
    assert swarm == expected
    assert swarm[0] <= swarm[1] == salvo


def test_levers_leave_the_base_scenario_alone():
    before = load_scenario(view.BASE)
    view.view_scenario(100, 60, True, 2, 300)
    assert load_scenario(view.BASE) == before


# ---------------------------------------------------------------- ViewedCampaign


def test_default_view_campaign_is_the_baseline_run():
    viewed = view.ViewedCampaign().run(30)
    plain = AirCampaign(load_scenario(view.BASE), rng=42).run(30)
    a, b = viewed.summary(), plain.summary()
    assert a.keys() == b.keys()
    assert {k: (a[k], b[k]) for k in a if not same(a[k], b[k])} == {}
    assert viewed.daily().equals(plain.daily())


def test_model_params_are_all_accepted_by_viewed_campaign():
    accepted = inspect.signature(view.ViewedCampaign.__init__).parameters
    assert set(view.MODEL_PARAMS) <= set(accepted) - {"self"}
    assert not any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in accepted.values())
    _check_model_params(view.ViewedCampaign(), view.MODEL_PARAMS)  # Mesa's own check: raises if not


def test_model_params_defaults_build_the_page_first_model():
    # The page's first model is `ViewedCampaign()`; Reset with untouched levers builds it from MODEL_PARAMS.
    values = {k: (v.value if hasattr(v, "value") else v["value"] if isinstance(v, dict) else v)
              for k, v in view.MODEL_PARAMS.items()}
    a = view.ViewedCampaign(**values).run(10)
    b = view.ViewedCampaign().run(10)
    assert a.config == b.config
    assert a.daily().equals(b.daily())


def test_model_params_sliders_cover_their_defaults():
    for name in SLIDERS:
        slider = view.MODEL_PARAMS[name]
        assert slider.min <= slider.value <= slider.max, name
    assert view.MODEL_PARAMS["patriot_batteries"].max == view.patriots_in_base()


def test_running_turns_false_at_the_horizon_and_not_before():
    campaign = view.ViewedCampaign()
    assert campaign.running
    campaign.run(campaign.horizon - 1)
    assert campaign.running
    assert campaign.days_done == campaign.horizon - 1
    campaign.step()
    assert campaign.days_done == campaign.horizon == 365
    assert not campaign.running


# ---------------------------------------------------------------- theatre_figure


@pytest.fixture(scope="module")
def campaign_20_days():
    return view.ViewedCampaign().run(20)


def flow_lines(ax):
    return list(ax.lines)


def test_figures_are_plain_figures_not_pyplot():
    model = view.ViewedCampaign()
    for fig in (view.theatre_figure(model), view.series_figure(model)):
        assert type(fig) is Figure


def test_theatre_figure_draws_one_flow_per_route_launched_on(campaign_20_days):
    model = campaign_20_days
    ax = view.theatre_figure(model).axes[0]
    routes = np.flatnonzero(model.night_launched)
    assert len(routes) > 0
    lines = flow_lines(ax)
    assert len(lines) == len(routes)
    drawn = {(tuple(line.get_xdata()), tuple(line.get_ydata())) for line in lines}
    wanted = {((model.route_origin[r][0], model.route_target[r][0]), (model.route_origin[r][1],
                                                                      model.route_target[r][1])) for r in routes}
    assert drawn == wanted
    widths = sorted(line.get_linewidth() for line in lines)
    assert widths[-1] == pytest.approx(5.5)  # the busiest route
    assert widths[0] >= 0.5


def test_theatre_figure_draws_no_flows_before_the_first_night():
    ax = view.theatre_figure(view.ViewedCampaign()).axes[0]
    assert flow_lines(ax) == []
    assert "Day 0 (2025-01-01): last night 0 launched, 0 got through" in ax.get_title()


def test_theatre_figure_title_counts_last_night(campaign_20_days):
    model = campaign_20_days
    title = view.theatre_figure(model).axes[0].get_title()
    launched, leaked = int(model.night_launched.sum()), int(model.night_leaked.sum())
    assert launched > 0
    assert 0 <= leaked <= launched
    assert f"last night {launched} launched, {leaked} got through" in title
    assert title.startswith(f"Day 20 ({BASE_START + timedelta(days=19)})")
    daily = model.daily().iloc[-1]
    classes = model.air_defence.class_names
    assert launched == sum(daily[f"launched_{c}"] for c in classes)
    assert leaked == sum(daily[f"leaked_{c}"] for c in classes)


def test_theatre_figure_one_marker_per_site(campaign_20_days):
    model = campaign_20_days
    ax = view.theatre_figure(model).axes[0]
    sites = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_label() == "defended site"]
    assert len(sites) == 1
    offsets = np.asarray(sites[0].get_offsets())
    assert len(offsets) == len(model.sites) == 10
    assert {tuple(xy) for xy in offsets} == {tuple(s.cell.coordinate) for s in model.sites}
    np.testing.assert_allclose(np.asarray(sites[0].get_array()), [s.damage for s in model.sites])
    names = {t.get_text() for t in ax.texts}
    assert {s.name for s in model.sites} <= names


def test_theatre_figure_one_marker_per_battery_and_launch_area(campaign_20_days):
    model = campaign_20_days
    ax = view.theatre_figure(model).axes[0]
    batteries = list(model.agents_by_type[view.DefenderBattery])
    markers = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_label() != "defended site"]
    assert len(markers) == len(batteries) + len(model.config.grid.launch_areas)
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {b.type_name for b in batteries} <= legend


def stock_annotations(ax, model) -> Counter:
    """The numbers written beside the batteries: (x, y, colour, text), counted."""
    site_names = {s.name for s in model.sites}
    return Counter((round(t.xy[0], 2), round(t.xy[1], 2), matplotlib.colors.to_hex(t.get_color()), t.get_text())
                   for t in ax.texts if t.get_text() not in site_names)


def test_theatre_figure_annotates_each_battery_stock(campaign_20_days):
    model = campaign_20_days
    ax = view.theatre_figure(model).axes[0]
    batteries = list(model.agents_by_type[view.DefenderBattery])
    assert any(not b.battery_type.interceptors for b in batteries)  # EW batteries: nothing to count
    expected = Counter()
    for battery in batteries:
        if battery.battery_type.interceptors:
            x, y = battery.cell.coordinate
            colour = matplotlib.colors.to_hex(view.BATTERY_STYLE.get(battery.type_name, (".", "black"))[1])
            expected[(round(x + 0.25, 2), round(y - 0.25, 2), colour, str(int(battery.magazine.sum())))] += 1
    assert stock_annotations(ax, model) == expected


def test_theatre_figure_stock_annotation_falls_as_patriot_fires():
    model = view.ViewedCampaign(patriot_on_drones=True)
    patriot_blue = matplotlib.colors.to_hex(view.BATTERY_STYLE["patriot"][1])

    def patriot_rounds_shown():
        shown = stock_annotations(view.theatre_figure(model).axes[0], model)
        numbers = [int(text) for (_, _, colour, text), n in shown.items() for _ in range(n) if colour == patriot_blue]
        assert len(numbers) == view.patriots_in_base()
        return sum(numbers)

    before = patriot_rounds_shown()
    assert before == sum(int(b.magazine.sum()) for b in model.agents_by_type[view.DefenderBattery]
                         if b.type_name == "patriot")
    model.run(3)
    assert patriot_rounds_shown() < before


# ---------------------------------------------------------------- series_figure


def test_series_figure_one_line_per_type_and_class_as_long_as_the_run(campaign_20_days):
    model = campaign_20_days
    stock_ax, leak_ax = view.series_figure(model).axes
    assert [line.get_label() for line in stock_ax.lines] == model.air_defence.interceptor_names
    assert [line.get_label() for line in leak_ax.lines] == headings(model.config.catalog.threats)  # families
    daily = model.daily()
    for line in stock_ax.lines:
        assert len(line.get_xdata()) == len(line.get_ydata()) == model.days_done == 20
        np.testing.assert_array_equal(line.get_ydata(), daily[f"stock_{line.get_label()}"])
    for line in leak_ax.lines:
        assert len(line.get_xdata()) == len(line.get_ydata()) == 20
        np.testing.assert_array_equal(line.get_ydata(), daily[f"leaked_{line.get_label()}"])
    np.testing.assert_array_equal(stock_ax.lines[0].get_xdata(), np.arange(20))


def test_series_figure_before_the_first_day_has_empty_lines():
    stock_ax, leak_ax = view.series_figure(view.ViewedCampaign()).axes
    assert all(len(line.get_xdata()) == 0 for line in [*stock_ax.lines, *leak_ax.lines])


# ---------------------------------------------------------------- the page, rendered and clicked


@pytest.fixture
def render():
    """Render the page (a fresh `Page()` unless given an element); every page rendered is closed after the test.

    Closing matters: Mesa's `update_counter` is one reactive for every page, so a page left open would
    redraw (and be drawn from) when another test steps its own.
    """
    contexts = []

    def rendered(element=None):
        _, rc = solara.render(solara.AppLayout(children=[element if element is not None else view.Page()]),
                              handle_error=False)
        contexts.append(rc)
        return rc

    yield rendered
    for rc in contexts:
        rc.close()


def time_shown(rc) -> list[str]:
    return [t for w in rc.find(ipyvuetify.Html, tag="span").widgets for t in w.children
            if isinstance(t, str) and t.startswith("Time: ")]


def images(rc) -> list[bytes]:
    found = rc.find(ipywidgets.Image).widgets
    assert len(found) == 2, "the page shows the map and the live plots"
    assert all(w.format == "png" for w in found)
    return [bytes(w.value) for w in found]


@pytest.fixture
def drawn_models(monkeypatch):
    """The models the map is drawn from, in order: the last is the page's current model."""
    drawn = []
    original = view.theatre_figure

    def recording(model):
        drawn.append(model)
        return original(model)

    monkeypatch.setattr(view, "theatre_figure", recording)
    return drawn


def test_page_renders_controls_levers_time_and_two_pngs(render):
    rc = render(view.page)
    labels = [w.children for w in rc.find(ipyvuetify.Btn).widgets]
    assert ["Reset"] in labels and ["Step"] in labels
    assert time_shown(rc) == ["Time: 0.0"]
    for label in SLIDERS.values():
        rc.find(ipyvuetify.Slider, label=label).assert_single()
    rc.find(ipyvuetify.Checkbox, label=CHECKBOX).assert_single()
    assert rc.find(ipyvuetify.Slider, label=SLIDERS["patriot_batteries"]).widget.v_model == view.patriots_in_base()
    for png in images(rc):
        assert png.startswith(PNG) and len(png) > 1000


def test_step_button_advances_the_model_and_redraws_both_images(render, drawn_models):
    rc = render(view.page)
    before = images(rc)
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    assert time_shown(rc) == ["Time: 1.0"]
    after = images(rc)
    assert all(png.startswith(PNG) for png in after)
    assert after[0] != before[0], "the map is redrawn after a step"
    assert after[1] != before[1], "the plots are redrawn after a step"
    assert drawn_models[-1].days_done == 1
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    assert time_shown(rc) == ["Time: 2.0"]
    assert drawn_models[-1].days_done == 2


def test_days_per_render_steps_that_many_days(render, drawn_models):
    rc = render()
    rc.find(ipyvuetify.Slider, label="days per render").widget.v_model = 5
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    assert time_shown(rc) == ["Time: 5.0"]
    assert drawn_models[-1].days_done == 5


def test_reset_rebuilds_the_model_with_the_levers_set(render, drawn_models):
    rc = render()
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    first = drawn_models[-1]
    assert first.days_done == 1
    rc.find(ipyvuetify.Slider, label=SLIDERS["pause_start"]).widget.v_model = 100
    rc.find(ipyvuetify.Slider, label=SLIDERS["pause_days"]).widget.v_model = 30
    rc.find(ipyvuetify.Slider, label=SLIDERS["patriot_batteries"]).widget.v_model = 2
    rc.find(ipyvuetify.Slider, label=SLIDERS["salvo_size"]).widget.v_model = 300
    rc.find(ipyvuetify.Checkbox, label=CHECKBOX).widget.v_model = True
    assert drawn_models[-1] is first, "levers apply on Reset, not before"
    rc.find(ipyvuetify.Btn, children=["Reset"]).widget.click()
    assert time_shown(rc) == ["Time: 0.0"]
    model = drawn_models[-1]
    assert model is not first
    assert isinstance(model, view.ViewedCampaign)
    assert model.days_done == 0
    pauses = [e for e in model.config.timeline if isinstance(e, Pause)]
    assert [(p.supplier, p.start, p.days) for p in pauses] == [("us-pac3", BASE_START + timedelta(days=100), 30)]
    assert battery_counts(model.config)["patriot"] == 2
    assert "drone" in model.config.catalog.doctrines["patriot_keep_off_drones"].engage
    assert list(model.config.attacker.salvo.swarm_size) == [300, 300]
    # the same seed as a campaign built directly from those levers
    direct = view.ViewedCampaign(pause_start=100, pause_days=30, patriot_on_drones=True, patriot_batteries=2,
                                 salvo_size=300, rng=42)
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    assert time_shown(rc) == ["Time: 1.0"]
    assert drawn_models[-1] is model
    direct.step()
    assert model.daily().equals(direct.daily())


def test_reset_with_untouched_levers_gives_the_first_model_again(render, drawn_models):
    rc = render()
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    first = drawn_models[-1]
    rc.find(ipyvuetify.Btn, children=["Reset"]).widget.click()
    again = drawn_models[-1]
    assert again is not first
    assert again.config == first.config
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    assert again.daily().equals(first.daily())


def test_step_is_disabled_at_the_horizon(render, drawn_models):
    rc = render()
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    model = drawn_models[-1]
    model.run(model.horizon - 2)  # the rest of the year but one day, off the page
    step = rc.find(ipyvuetify.Btn, children=["Step"]).widget
    assert not step.disabled
    step.click()
    assert not model.running
    assert time_shown(rc) == [f"Time: {float(model.horizon)}"]
    assert rc.find(ipyvuetify.Btn, children=["Step"]).widget.disabled
