from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from harness.ordering import CycleError, order


@dataclass
class Step:
    label: str
    defines: set[str] = field(default_factory=set)
    needs: set[str] = field(default_factory=set)


def step(label: str, *needs: str) -> Step:
    """A step that defines the object named by its label and needs the named objects."""
    return Step(label, {label}, set(needs))


def labels(steps) -> list[str]:
    return [s.label for s in steps]


def test_independent_steps_keep_their_input_order():
    steps = [step("core.org"), step("app.signal"), step("app.candidate"), step("core.client")]
    assert labels(order(steps)) == ["core.org", "app.signal", "app.candidate", "core.client"]


def test_order_returns_the_step_objects_it_was_given():
    steps = [step("b", "a"), step("a")]
    result = order(steps)
    assert sorted(map(id, result)) == sorted(map(id, steps))


def test_a_step_that_needs_a_later_step_moves_after_it():
    assert labels(order([step("app.pursuit", "app.candidate"), step("app.candidate")])) == ["app.candidate", "app.pursuit"]


def test_among_steps_free_to_go_the_input_order_wins():
    # pursuit waits for candidate; note and candidate are free from the start, note first as written.
    steps = [step("pursuit", "candidate"), step("note"), step("candidate"), step("proposal", "pursuit")]
    assert labels(order(steps)) == ["note", "candidate", "pursuit", "proposal"]


def test_a_chain_written_backwards_comes_out_forwards():
    steps = [step("d", "c"), step("c", "b"), step("b", "a"), step("a")]
    assert labels(order(steps)) == ["a", "b", "c", "d"]


def test_a_step_waits_for_every_step_that_defines_something_it_needs():
    index = Step("IX_app_t_a", {"app.t.IX_app_t_a"}, {"app.t", "core.f"})
    steps = [index, step("app.t"), Step("functions", {"core.f", "core.g"}, set())]
    assert labels(order(steps)) == ["app.t", "functions", "IX_app_t_a"]


def test_needs_on_names_no_step_defines_are_ignored():
    steps = [step("app.signal", "core.org", "core.contact"), step("app.candidate", "core.client")]
    assert labels(order(steps)) == ["app.signal", "app.candidate"]


def test_a_step_that_needs_what_it_defines_itself_is_not_a_cycle():
    steps = [step("app.contact_merge_history", "app.contact_merge_history"), step("core.org")]
    assert labels(order(steps)) == ["app.contact_merge_history", "core.org"]


def test_an_empty_list_of_steps_orders_to_an_empty_list():
    assert order([]) == []


def assert_is_a_cycle_of(error: CycleError, steps: list[Step]) -> None:
    """The cycle starts and ends with one step, and each step in it needs the next one."""
    by_label = {s.label: s for s in steps}
    cycle = error.cycle
    assert len(cycle) >= 3 and cycle[0] == cycle[-1]
    assert len(set(cycle[:-1])) == len(cycle) - 1
    for here, there in zip(cycle, cycle[1:]):
        assert by_label[here].needs & by_label[there].defines, f"{here} does not need {there}"
    assert str(error) == "dependency cycle: " + " -> ".join(cycle)


def test_a_two_step_cycle_raises_an_error_naming_it():
    steps = [step("a", "b"), step("b", "a")]
    with pytest.raises(CycleError) as raised:
        order(steps)
    assert_is_a_cycle_of(raised.value, steps)
    assert sorted(raised.value.cycle[:-1]) == ["a", "b"]
    assert "a -> b -> a" in str(raised.value) or "b -> a -> b" in str(raised.value)


def test_a_three_step_cycle_raises_an_error_naming_all_three_in_dependency_order():
    steps = [step("a", "b"), step("b", "c"), step("c", "a")]
    with pytest.raises(CycleError) as raised:
        order(steps)
    assert_is_a_cycle_of(raised.value, steps)
    assert sorted(raised.value.cycle[:-1]) == ["a", "b", "c"]


def test_steps_that_are_not_on_the_cycle_are_not_named_in_it():
    # "waiting" needs a step on the cycle and comes first, so the search for the cycle starts there;
    # "free" needs nothing and "after" follows a free step.
    steps = [step("waiting", "a"), step("free"), step("a", "b"), step("b", "c"), step("c", "a"), step("after", "free")]
    with pytest.raises(CycleError) as raised:
        order(steps)
    assert_is_a_cycle_of(raised.value, steps)
    assert sorted(raised.value.cycle[:-1]) == ["a", "b", "c"]
    for label in ("waiting", "free", "after"):
        assert label not in str(raised.value)


def test_a_cycle_is_reported_even_when_other_steps_can_be_placed_first():
    steps = [step("core.org"), step("x", "y"), step("y", "x"), step("app.signal", "core.org")]
    with pytest.raises(CycleError) as raised:
        order(steps)
    assert sorted(raised.value.cycle) == ["x", "x", "y"]
