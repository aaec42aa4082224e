"""The interactive view (`app`): its levers, its numbers, its map and plots, its exports, and its page clicked.

The page is rendered with `solara.render` inside an `AppLayout` (the sidebar's
controls only render there), as Mesa's own examples test their apps; its
buttons are clicked and its levers set through their ipyvuetify widgets.
Run from the repository root (`python -m pytest`), where `app` is importable.
"""

import io
import re
import tomllib
from collections import Counter
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from app import charts, export, geo, levers, summary, view
from app import map as theatre
from model import AirCampaign, ScenarioError, build_scenario, load_scenario, scenario_data
from model.families import headings
from model.timeline.aid import Pause

BASE_START = date(2025, 1, 1)


def battery_counts(scenario) -> Counter:
    return Counter(b.type for b in scenario.batteries)


def with_levers(**changed):
    """The base scenario with the default levers, `changed` changed."""
    return levers.view_scenario(**{**levers.lever_defaults(), **changed})


# ---------------------------------------------------------------- levers: read from the scenario


@pytest.mark.parametrize("name", levers.scenario_names())
def test_default_levers_leave_every_builtin_scenario_as_it_is(name):
    assert levers.view_scenario(**levers.lever_defaults(name)) == load_scenario(name)


def test_lever_choices_come_from_the_scenario():
    base = load_scenario(levers.BASE)
    defaults = levers.lever_defaults()
    assert defaults["pause_supplier"] == base.suppliers[0].name
    assert levers.battery_types(base) == list(dict.fromkeys(
        b.type for b in base.batteries if base.catalog.battery_types[b.type].interceptors))
    assert "ew" not in levers.battery_types(base)  # nothing to count rounds of
    assert defaults["batteries_kept"] == battery_counts(base)[defaults["battery_type"]]
    assert defaults["salvo_size"] == base.attacker.salvo.swarm_size[1]


def test_extra_targets_are_what_the_doctrine_leaves_alone_and_never_a_decoy():
    base = load_scenario(levers.BASE)
    for kind in levers.battery_types(base):
        engaged = set(base.catalog.doctrines[base.catalog.battery_types[kind].doctrine].engage)
        targets = levers.extra_targets(base, kind)
        assert targets[0] == levers.NOTHING_MORE
        assert "decoy" not in targets
        assert not set(targets) & engaged
    assert levers.extra_targets(base, "patriot") == ["", "drone"]


@pytest.mark.parametrize("supplier", [s.name for s in load_scenario(levers.BASE).suppliers])
def test_pause_lever_adds_one_pause_of_the_chosen_supplier(supplier):
    base = load_scenario(levers.BASE)
    scenario = with_levers(pause_supplier=supplier, pause_start=40, pause_days=30)
    added = scenario.timeline[len(base.timeline):]
    assert len(added) == 1 and isinstance(added[0], Pause)
    assert (added[0].supplier, added[0].start, added[0].days) == (supplier, BASE_START + timedelta(days=40), 30)


def test_no_pause_days_adds_no_pause():
    assert with_levers(pause_days=0, pause_start=40).timeline == load_scenario(levers.BASE).timeline


def test_pause_lever_stops_that_suppliers_deliveries_for_its_length():
    daily = view.ViewedCampaign(pause_supplier="domestic", pause_start=10, pause_days=30).run(60).daily()
    flowing = daily["flowing_domestic"].to_numpy()
    assert flowing[:10].all() and not flowing[10:40].any() and flowing[40:].all()
    assert daily["flowing_us-pac3"].all()


def test_extra_target_adds_the_class_to_that_types_doctrine():
    base = load_scenario(levers.BASE)
    doctrine = base.catalog.battery_types["patriot"].doctrine
    on = with_levers(battery_type="patriot", extra_target="drone").catalog.doctrines[doctrine]
    off = base.catalog.doctrines[doctrine]
    assert "drone" in on.engage and "drone" not in off.engage
    assert [c for c in on.engage if c != "drone"] == off.engage
    early_off = view.ViewedCampaign().run(7).daily()
    early_on = view.ViewedCampaign(battery_type="patriot", extra_target="drone").run(7).daily()
    assert early_on["fired_pac3_mse"].sum() > early_off["fired_pac3_mse"].sum()


@pytest.mark.parametrize(("kind", "k"), [("patriot", 0), ("patriot", 2), ("medium_sam", 1), ("gun", 0)])
def test_batteries_kept_keeps_the_first_k_of_that_type_and_nothing_else_changes(kind, k):
    base = load_scenario(levers.BASE)
    scenario = with_levers(battery_type=kind, batteries_kept=k)
    counts, before = battery_counts(scenario), battery_counts(base)
    assert counts.get(kind, 0) == k
    assert {t: n for t, n in counts.items() if t != kind} == {t: n for t, n in before.items() if t != kind}
    assert [b.name for b in scenario.batteries if b.type == kind] == \
        [b.name for b in base.batteries if b.type == kind][:k]


@pytest.mark.parametrize(("salvo", "expected"), [(700, [400, 700]), (1500, [400, 1500]), (250, [250, 250])])
def test_salvo_size_sets_the_upper_end_and_the_lower_never_above_it(salvo, expected):
    assert list(with_levers(salvo_size=salvo).attacker.salvo.swarm_size) == expected


def test_levers_leave_the_stored_scenario_alone():
    before = load_scenario(levers.BASE)
    with_levers(pause_days=60, extra_target="drone", batteries_kept=2, salvo_size=300)
    assert load_scenario(levers.BASE) == before


def test_changed_names_the_levers_that_differ():
    applied = levers.lever_defaults()
    assert levers.changed(dict(applied), applied) == []
    assert levers.changed({**applied, "rng": 7, "pause_days": 5}, applied) == ["rng", "pause_days"]


# ---------------------------------------------------------------- ViewedCampaign


def test_default_view_campaign_is_the_baseline_run_and_keeps_its_levers():
    viewed = view.ViewedCampaign().run(30)
    plain = AirCampaign(load_scenario(levers.BASE), rng=42).run(30)
    assert viewed.daily().equals(plain.daily())
    assert viewed.levers == levers.lever_defaults()


def test_view_campaign_runs_the_chosen_scenario_and_seed():
    viewed = view.ViewedCampaign(scenario_name="historical-2025", rng=7).run(20)
    plain = AirCampaign(load_scenario("historical-2025"), rng=7).run(20)
    assert viewed.config.name == "historical-2025"
    assert viewed.daily().equals(plain.daily())
    assert viewed.levers == levers.lever_defaults("historical-2025", 7)


def test_running_turns_false_at_the_horizon_and_not_before():
    campaign = view.ViewedCampaign()
    campaign.run(campaign.horizon - 1)
    assert campaign.running
    campaign.step()
    assert campaign.days_done == campaign.horizon == 365 and not campaign.running


# ---------------------------------------------------------------- the summary card


@pytest.fixture(scope="module")
def campaign_40_days():
    return view.ViewedCampaign().run(40)


def test_summary_totals_are_the_daily_tables_sums(campaign_40_days):
    model = campaign_40_days
    daily = model.daily()
    s = summary.campaign_summary(model)
    catalog = model.config.catalog
    assert (s.day, s.horizon, s.date) == (40, 365, BASE_START + timedelta(days=39))
    assert [c.label for c in s.classes] == [catalog.label(h) for h in headings(catalog.threats)]
    for c, h in zip(s.classes, headings(catalog.threats), strict=True):
        assert (c.launched, c.leaked) == (daily[f"launched_{h}"].sum(), daily[f"leaked_{h}"].sum())
        assert c.neutralised_share == pytest.approx(daily[f"neutralised_{h}"].sum() / c.launched)
    launched = sum(daily[f"launched_{h}"].sum() for h in headings(catalog.threats))
    assert s.launched == launched
    assert s.neutralised_share == pytest.approx(1 - s.leaked / launched)
    assert s.damage == pytest.approx(daily["damage"].sum())
    for k, name in zip(s.stocks, model.air_defence.interceptor_names, strict=True):
        stock = daily[f"stock_{name}"].to_numpy()
        assert k.stock == stock[-1]
        assert k.days_to_empty == summary.days_to_empty(stock)


def test_summary_before_the_first_night_shows_day_0_and_the_batteries_rounds():
    model = view.ViewedCampaign()
    s = summary.campaign_summary(model)
    assert (s.day, s.date, s.launched, s.leaked, s.neutralised_share) == (0, None, 0, 0, None)
    first = model.run(1).daily()
    # nothing is delivered on day 1 (lead times), so day 1's stock is day 0's less what was fired
    for k, name in zip(s.stocks, model.air_defence.interceptor_names, strict=True):
        assert k.stock == first[f"stock_{name}"].iloc[0] + first[f"fired_{name}"].iloc[0]
    assert "Day 0 of 365: before the first night" in summary.summary_html(s)


@pytest.mark.parametrize(("stock", "window", "expected"), [
    ([100, 90, 80, 70], 14, 70 / 10),      # 30 used over 3 days: 10 a day
    ([100, 90, 80, 70], 2, 70 / 10),       # the last 2 days: 20 over 2
    ([100, 100, 50, 60], 2, 60 / 20),      # 40 over the last 2 days, a delivery among them
    ([50, 60, 70], 14, None),              # rising: never runs out
    ([50, 50], 14, None),                  # flat
    ([40, 0], 14, 0.0),                    # empty now
    ([40], 14, None),                      # one day: no rate yet
])
def test_days_to_empty_at_the_recent_rate(stock, window, expected):
    assert summary.days_to_empty(np.array(stock), window) == expected


def test_summary_card_writes_the_numbers(campaign_40_days):
    s = summary.campaign_summary(campaign_40_days)
    html = summary.summary_html(s)
    assert f"Day 40 of 365: {s.date:%d %b %Y}" in html
    assert f"{s.launched:,} launched, {s.leaked:,} got through" in html
    assert "PAC-3 MSE" in html and "pac3_mse" not in html and "Shahed-type drones" in html


# ---------------------------------------------------------------- the map


def test_topojson_arcs_are_delta_decoded_scaled_and_reversed_by_negative_index():
    topology = {"transform": {"scale": [0.5, 2.0], "translate": [10.0, -1.0]},
                "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, 0], [0, -1]]]}
    arcs = geo.decoded_arcs(topology)
    np.testing.assert_allclose(arcs[0], [[10, -1], [11, -1], [11, 1]])
    np.testing.assert_allclose(arcs[1], [[11, 1], [10, 1], [10, -1]])
    square = geo.rings({"type": "Polygon", "arcs": [[0, 1]]}, arcs)
    np.testing.assert_allclose(square[0], [[10, -1], [11, -1], [11, 1], [10, 1], [10, -1]])
    back = geo.ring([~1], arcs)
    np.testing.assert_allclose(back, arcs[1][::-1])
    assert len(geo.rings({"type": "MultiPolygon", "arcs": [[[0, 1]], [[~1, ~0]]]}, arcs)) == 2


def test_clip_to_box_cuts_a_ring_at_the_edges():
    ring = np.array([[0, 0], [4, 0], [4, 4], [0, 4]], dtype=float)
    clipped = geo.clip_to_box(ring, (1, 1, 3, 5))
    assert clipped[:, 0].min() == 1 and clipped[:, 0].max() == 3
    assert clipped[:, 1].min() == 1 and clipped[:, 1].max() == 4
    assert len(geo.clip_to_box(ring, (10, 10, 11, 11))) == 0


def test_cells_are_placed_by_the_grid_bounds():
    grid = load_scenario(levers.BASE).grid
    west, south, east, north = grid.bounds
    assert geo.cell_lonlat([0, 0], grid) == pytest.approx((west + (east - west) / grid.width / 2,
                                                          south + (north - south) / grid.height / 2))
    assert geo.cell_lonlat([grid.width - 1, grid.height - 1], grid) == pytest.approx(
        (east - (east - west) / grid.width / 2, north - (north - south) / grid.height / 2))


def test_sites_sit_at_their_real_places_and_launch_areas_at_their_cells():
    config = load_scenario(levers.BASE)
    layout = theatre.map_layout(config, shapes={})
    kyiv = next(k for k, s in enumerate(config.sites) if s.name == "Kyiv")
    np.testing.assert_allclose(layout.site_px[kyiv], layout.project(30.52, 50.45))
    for area, px in zip(config.grid.launch_areas, layout.launch_px, strict=True):
        np.testing.assert_allclose(px, layout.project(*geo.cell_lonlat(area, config.grid)))
    assert (layout.site_px[:, 0] > 0).all() and (layout.site_px[:, 0] < layout.width).all()


def test_a_scenario_without_bounds_or_lonlat_still_loads_and_is_drawn_on_its_grid():
    raw, source = scenario_data(levers.BASE)
    del raw["grid"]["bounds"]
    for site in raw["sites"]:
        site.pop("lonlat", None)
    scenario = build_scenario(raw, source)
    layout = theatre.map_layout(scenario, shapes={})
    x, y = layout.site_px[0]
    cell = scenario.sites[0].cell
    assert (x, y) == pytest.approx(layout.project(cell[0] + 0.5, cell[1] + 0.5))


def test_bad_bounds_are_refused_naming_the_key():
    raw, source = scenario_data(levers.BASE)
    raw["grid"]["bounds"] = [40.0, 45.0, 22.0, 52.0]
    with pytest.raises(ScenarioError, match=r"grid\.bounds.*west below east"):
        build_scenario(raw, source)


def test_the_background_draws_the_country_from_the_shapes():
    config = load_scenario(levers.BASE)
    square = np.array([[24.0, 46.0], [38.0, 46.0], [38.0, 51.0], [24.0, 51.0], [24.0, 46.0]])
    layout = theatre.map_layout(config, shapes={"Ukraine": [square], "Elsewhere": [square + 100]})
    assert layout.background.count('class="home-country"') == 1
    assert "Elsewhere" not in layout.background  # outside the map: clipped away


def test_the_overlay_draws_one_flow_per_route_launched_on(campaign_40_days):
    model = campaign_40_days
    layout = theatre.map_layout(model.config, shapes={})
    overlay = theatre.map_overlay(model, layout)
    routes = np.flatnonzero(model.night_launched)
    widths = sorted(float(w) for w in re.findall(r'class="flow"[^>]*stroke-width="([\d.]+)"', overlay))
    assert len(widths) == len(routes) > 0
    assert widths == pytest.approx(sorted(theatre.flow_width(model.night_launched[r]) for r in routes), abs=0.01)
    fills = re.findall(r'class="site"[^>]*fill="(#\w+)"', overlay)
    assert fills == [theatre.damage_colour(s.damage) for s in model.sites]


def test_damage_shades_are_fixed_bins():
    assert [theatre.damage_colour(d) for d in (0, 0.5, 10, 11, 100, 999, 1000, 5000)] == [
        theatre.DAMAGE_COLOURS[k] for k in (0, 1, 1, 2, 2, 3, 3, 4)]


def test_the_legend_uses_plain_names(campaign_40_days):
    legend = theatre.map_legend(campaign_40_days)
    assert "Patriot" in legend and "NASAMS/IRIS-T SLM" in legend and "medium_sam" not in legend


# ---------------------------------------------------------------- the time plots


def test_charts_draw_each_series_as_long_as_the_run_and_the_previous_dashed(campaign_40_days):
    model = campaign_40_days
    previous = view.ViewedCampaign(rng=1).run(10)
    now, before = charts.stock_series(model), charts.stock_series(previous)
    catalog = model.config.catalog
    assert [label for label, _ in now] == [catalog.label(n) for n in model.air_defence.interceptor_names]
    drawn = charts.line_chart(now, before, model.horizon, "stock", "rounds")
    lines = re.findall(r'<polyline points="([^"]*)"([^>]*)/>', drawn)
    dashed = [p for p, rest in lines if "stroke-dasharray" in rest]
    solid = [p for p, rest in lines if "stroke-dasharray" not in rest]
    assert len(solid) == len(now) and len(dashed) == len(before)
    assert all(len(p.split()) == 40 for p in solid) and all(len(p.split()) == 10 for p in dashed)
    leaks = charts.leak_series(model)
    daily = model.daily()
    for (label, values), h in zip(leaks, headings(catalog.threats), strict=True):
        assert label == catalog.label(h)
        np.testing.assert_array_equal(values, daily[f"leaked_{h}"])
    assert "previous run" in charts.chart_legend(now, True) and "previous run" not in charts.chart_legend(now, False)


def test_every_builtin_kind_has_a_plain_name():
    catalog = load_scenario(levers.BASE).catalog
    for table in (catalog.threats, catalog.families, catalog.interceptors, catalog.battery_types):
        assert all(entry.label for entry in table.values())
    assert catalog.label("pac3_mse") == "PAC-3 MSE"
    assert catalog.label("no-such-kind") == "no-such-kind"


# ---------------------------------------------------------------- exports


@pytest.mark.parametrize("name", ["baseline-2025", "posterior-2025"])
def test_exported_toml_loads_back_to_the_scenario_run(tmp_path, name):
    model = view.ViewedCampaign(scenario_name=name, pause_days=30, batteries_kept=3)
    text = export.scenario_toml(model.config, model.seed_used)
    assert text.startswith("# exported by `attrition view`; the run used seed 42")
    path = tmp_path / "exported.toml"
    path.write_text(text)
    assert "extends" not in tomllib.loads(text)
    assert load_scenario(path) == model.config.model_copy(update={"ensemble": None})


def test_exported_csv_is_the_daily_table(campaign_40_days):
    frame = pd.read_csv(io.BytesIO(export.daily_csv(campaign_40_days)))
    daily = campaign_40_days.daily()
    assert list(frame.columns) == list(daily.columns) and len(frame) == 40
    np.testing.assert_array_equal(frame["stock_pac3_mse"], daily["stock_pac3_mse"])
    assert export.file_stem(campaign_40_days) == "baseline-2025-seed42"
