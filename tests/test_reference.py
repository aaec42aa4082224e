"""The scenario reference in docs/ is generated from the models and must be current."""

from pathlib import Path

from model.reference import reference

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenario-reference.md"


def test_the_committed_reference_is_current():
    assert DOC.read_text() == reference(), "run: python -m model.reference > docs/scenario-reference.md"


def test_every_policy_option_is_documented_with_its_default():
    text = reference()
    for key, default in [("strategy", '"steady"'), ("targeting", '"value"'), ("salvo_stockpile_share", "0.5"),
                         ("conserve_below", "none"), ("allocation", '"proportional"'), ("kill_factor", "0.8"),
                         ("move_days", "3"), ("budget_usd", "0.0"), ("window_days", "14")]:
        rows = [line for line in text.splitlines() if line.startswith(f"| `{key}` |")]
        assert rows, key
        assert any(default in row for row in rows), (key, rows)
    for event in ("intel_pause", "supplier_ramp", "attacker_ramp", "procurement"):
        assert f"event = '{event}'" in text
