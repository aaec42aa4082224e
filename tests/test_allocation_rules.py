"""The allocation rules against their definitions, on random inputs: whole rounds, conserved, the
lowest-stock-first rule equal to its one-round-at-a-time definition, and the equal split in closed form."""

import heapq

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.allocation import ALLOCATION_RULES

lowest_stock_first = ALLOCATION_RULES["lowest_stock_first"].share
equal = ALLOCATION_RULES["equal"].share


def one_round_at_a_time(rounds, capacity, stock):
    """The rule as defined: each round to the lowest stock / capacity, ties to the battery listed first."""
    capacity = [max(float(c), 1.0) for c in capacity]
    held = [int(s) for s in stock]
    share = [0] * len(held)
    heap = [(held[k] / capacity[k], k) for k in range(len(held))]
    heapq.heapify(heap)
    for _ in range(rounds):
        _, k = heapq.heappop(heap)
        share[k] += 1
        heapq.heappush(heap, ((held[k] + share[k]) / capacity[k], k))
    return share


batteries = st.integers(1, 12)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=st.data(), n=batteries, rounds=st.integers(0, 3000))
def test_lowest_stock_first_is_its_one_round_at_a_time_definition(data, n, rounds):
    capacity = data.draw(st.lists(st.integers(0, 500), min_size=n, max_size=n))
    stock = data.draw(st.lists(st.integers(0, 3000), min_size=n, max_size=n))
    assert lowest_stock_first(rounds, np.array(capacity), np.array(stock)).tolist() == \
        one_round_at_a_time(rounds, capacity, stock)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(data=st.data(), n=batteries, rounds=st.integers(0, 2000), rule=st.sampled_from(sorted(ALLOCATION_RULES)))
def test_every_rule_hands_out_exactly_the_rounds_delivered(data, n, rounds, rule):
    capacity = np.array(data.draw(st.lists(st.integers(1, 100), min_size=n, max_size=n)))
    stock = np.array(data.draw(st.lists(st.integers(0, 500), min_size=n, max_size=n)))
    value = np.array(data.draw(st.lists(st.floats(0, 10), min_size=n, max_size=n)))
    threat = np.array(data.draw(st.lists(st.floats(0, 100), min_size=n, max_size=n)))
    share = ALLOCATION_RULES[rule].share(rounds, capacity, stock, value, threat)
    assert share.dtype.kind == "i" and (share >= 0).all() and int(share.sum()) == rounds
    if rule == "by_threat" and threat.sum() > 0:
        assert (share[threat == 0] == 0).all()  # a battery that met no threat gets nothing


def test_equal_splits_evenly_whatever_the_capacity_and_stock():
    capacity, stock = np.array([48, 8, 24]), np.array([0, 5, 30])
    np.testing.assert_array_equal(equal(10, capacity, stock), [4, 3, 3])  # 10 = 3 x 3 + 1: the first gets the odd one
    np.testing.assert_array_equal(equal(9, capacity, stock), [3, 3, 3])
    np.testing.assert_array_equal(equal(2, capacity, stock), [1, 1, 0])
    np.testing.assert_array_equal(equal(0, capacity, stock), [0, 0, 0])
    np.testing.assert_array_equal(equal(7, np.array([1]), np.array([0])), [7])


@settings(max_examples=200, deadline=None, derandomize=True)
@given(data=st.data(), n=batteries, rounds=st.integers(0, 3000))
def test_equal_gives_each_battery_rounds_over_n_and_the_remainder_to_the_first_listed(data, n, rounds):
    capacity = np.array(data.draw(st.lists(st.integers(1, 500), min_size=n, max_size=n)))
    stock = np.array(data.draw(st.lists(st.integers(0, 3000), min_size=n, max_size=n)))
    whole, left = divmod(rounds, n)
    share = equal(rounds, capacity, stock)
    assert share.dtype.kind == "i" and int(share.sum()) == rounds
    assert share.tolist() == [whole + 1] * left + [whole] * (n - left)
