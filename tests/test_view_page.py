"""The view's page rendered with `solara.render` and clicked: steps, levers, the changed mark, Reset, the picker.

The page is rendered inside an `AppLayout` (the sidebar's controls only render
there), as Mesa's own examples test their apps; buttons are clicked and levers
set through their ipyvuetify widgets.
"""

import re

import ipyvuetify
import pytest
import solara
import solara.widgets

from app import view


@pytest.fixture
def render():
    """Render a fresh page; every page rendered is closed after the test.

    Closing matters: Mesa's `update_counter` is one reactive for every page, so a page left open would
    redraw when another test steps its own.
    """
    contexts = []

    def rendered():
        _, rc = solara.render(solara.AppLayout(children=[view.Page()]), handle_error=False)
        contexts.append(rc)
        return rc

    yield rendered
    for rc in contexts:
        rc.close()


def html(rc, css_class: str) -> list[str]:
    """The inner HTML of the page's HTML widgets with this class."""
    return [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
            if css_class in (w.attributes or {}).get("class", "")]


def day_shown(rc) -> str:
    card = html(rc, "summary-card")
    assert len(card) == 1
    return card[0].split('class="summary-day"', 1)[1].split(">", 1)[1].split("<", 1)[0]


def click(rc, label: str) -> None:
    rc.find(ipyvuetify.Btn, children=[label]).widget.click()


def slider(rc, label: str):
    return rc.find(ipyvuetify.Slider, label=label).widget


def changed_mark(rc) -> list[str]:
    return html(rc, "levers-changed")


def patriots_on_map(rc) -> int:
    overlay = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
               if "the day on the map" in (w.unsafe_innerHTML or "")]
    assert len(overlay) == 1
    return len(re.findall(r"<title>Patriot [^<]*: \d+ rounds</title>", overlay[0]))


def test_page_shows_day_0_the_map_the_plots_and_every_lever_value(render):
    rc = render()
    assert day_shown(rc) == "Day 0 of 365: before the first night"
    for label in ("pause: first day", "pause: days", "batteries kept", "largest salvo"):
        assert slider(rc, label).thumb_label == "always"
    values = " ".join(html(rc, "lever-value"))
    assert "no pause" in values and "Patriot: 6 of 6 batteries kept" in values and "largest salvo: 700" in values
    assert changed_mark(rc) == []
    svgs = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets if (w.unsafe_innerHTML or "")
            .startswith("<svg")]
    assert len(svgs) == 4  # map background, map overlay, two plots
    assert any("Interceptor stock" in s for s in svgs) and any("got through, per night" in s for s in svgs)


def test_step_advances_one_day_and_every_part_shows_it(render):
    rc = render()
    slider(rc, "days per frame").v_model = 1
    before = html(rc, "time-plot-chart")
    click(rc, "Step")
    assert day_shown(rc) == "Day 1 of 365: 01 Jan 2025"
    click(rc, "Step")
    assert day_shown(rc) == "Day 2 of 365: 02 Jan 2025"
    assert len(before) == 2 and html(rc, "time-plot-chart") != before
    slider(rc, "days per frame").v_model = 5
    click(rc, "Step")
    assert day_shown(rc) == "Day 7 of 365: 07 Jan 2025"


def test_a_changed_lever_is_marked_until_reset_applies_it(render):
    rc = render()
    click(rc, "Step")
    slider(rc, "pause: days").v_model = 30
    slider(rc, "batteries kept").v_model = 2
    assert changed_mark(rc) == ["● changed (2): press Reset to apply"]
    assert patriots_on_map(rc) == 6
    assert day_shown(rc).startswith(f"Day {view.DAYS_PER_FRAME} of"), "levers apply on Reset, not before"
    assert "pause from day 152 (01 Jun 2025) for 30 days" in " ".join(html(rc, "lever-value"))
    click(rc, "Reset")
    assert changed_mark(rc) == []
    assert day_shown(rc).startswith("Day 0 of")
    assert patriots_on_map(rc) == 2, "the model now running fields the batteries kept"


def test_after_reset_the_previous_run_is_drawn_dashed(render):
    rc = render()
    click(rc, "Step")
    click(rc, "Step")
    assert not any("stroke-dasharray" in h for h in html(rc, "time-plot-chart"))
    click(rc, "Reset")
    click(rc, "Step")
    plots = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
             if "<polyline" in (w.unsafe_innerHTML or "")]
    assert len(plots) == 2 and all("stroke-dasharray" in p for p in plots)
    assert any("previous run" in (w.unsafe_innerHTML or "") for w in rc.find(solara.widgets.HTML).widgets)


def test_the_scenario_picker_changes_the_scenario_on_reset(render):
    rc = render()
    rc.find(ipyvuetify.Select, label="scenario").widget.v_model = "production-race"
    assert changed_mark(rc) != []
    click(rc, "Reset")
    assert changed_mark(rc) == []
    assert day_shown(rc) == "Day 0 of 1095: before the first night"  # 2025-2027


def test_seed_is_a_lever(render):
    rc = render()
    rc.find(ipyvuetify.TextField, label="seed").widget.v_model = "7"
    assert changed_mark(rc) == ["● changed (1): press Reset to apply"]


def test_step_is_disabled_at_the_horizon(render):
    rc = render()
    slider(rc, "days per frame").v_model = 30
    for _ in range(12):
        click(rc, "Step")
    slider(rc, "days per frame").v_model = 5
    click(rc, "Step")
    assert day_shown(rc).startswith("Day 365 of 365")
    assert rc.find(ipyvuetify.Btn, children=["Step"]).widget.disabled
