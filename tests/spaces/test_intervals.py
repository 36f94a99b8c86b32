from datetime import UTC, datetime

import pytest

from spaces.intervals import Interval, clip, merge, saturated, subtract


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 1, 5, hour, minute, tzinfo=UTC)


def iv(start: int, end: int) -> Interval:
    return Interval(at(start), at(end))


def test_an_interval_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        Interval(at(11), at(10))


def test_touching_intervals_do_not_overlap():
    assert not iv(10, 11).overlaps(iv(11, 12))
    assert not iv(11, 12).overlaps(iv(10, 11))
    assert iv(10, 12).overlaps(iv(11, 13))


def test_contains_accepts_an_interval_sharing_both_ends():
    assert iv(9, 17).contains(iv(9, 17))
    assert iv(9, 17).contains(iv(10, 11))
    assert not iv(9, 17).contains(iv(16, 18))


def test_merge_joins_touching_and_overlapping_intervals_and_sorts_them():
    assert merge([iv(13, 14), iv(10, 11), iv(11, 12), iv(11, 12), iv(15, 17), iv(16, 18)]) == [
        iv(10, 12),
        iv(13, 14),
        iv(15, 18),
    ]


def test_merge_drops_empty_intervals_and_keeps_an_enclosed_one_inside():
    assert merge([iv(10, 10), iv(9, 17), iv(10, 11)]) == [iv(9, 17)]
    assert merge([]) == []


def test_subtract_cuts_holes_out_and_leaves_touching_edges():
    assert subtract([iv(9, 17)], [iv(12, 13)]) == [iv(9, 12), iv(13, 17)]
    assert subtract([iv(9, 17)], [iv(8, 9), iv(17, 18)]) == [iv(9, 17)]
    assert subtract([iv(9, 17)], [iv(8, 10), iv(16, 18)]) == [iv(10, 16)]


def test_subtract_of_a_hole_covering_everything_leaves_nothing():
    assert subtract([iv(9, 12), iv(13, 17)], [iv(8, 18)]) == []


def test_subtract_handles_several_holes_in_several_intervals():
    assert subtract([iv(9, 12), iv(13, 17)], [iv(11, 14), iv(10, 10), iv(15, 16)]) == [
        iv(9, 11),
        iv(14, 15),
        iv(16, 17),
    ]


def test_subtract_with_no_holes_merges_its_input():
    assert subtract([iv(9, 10), iv(10, 11)], []) == [iv(9, 11)]


def test_clip_keeps_only_the_parts_inside_the_window():
    assert clip([iv(8, 10), iv(11, 12), iv(16, 18), iv(18, 19)], iv(9, 17)) == [
        iv(9, 10),
        iv(11, 12),
        iv(16, 17),
    ]


def test_clip_drops_intervals_that_only_touch_the_window():
    assert clip([iv(8, 9), iv(17, 18)], iv(9, 17)) == []


def test_saturated_with_a_limit_of_one_is_the_union():
    assert saturated([iv(10, 11), iv(11, 12), iv(14, 15)], 1) == [iv(10, 12), iv(14, 15)]


def test_saturated_finds_where_enough_intervals_run_at_once():
    # seats=2: A 9–11, B 12–14, C 10–13 → two at once in 10–11 and 12–13.
    assert saturated([iv(9, 11), iv(12, 14), iv(10, 13)], 2) == [iv(10, 11), iv(12, 13)]
    assert saturated([iv(9, 11), iv(12, 14), iv(10, 13)], 3) == []


def test_saturated_does_not_stack_touching_intervals():
    assert saturated([iv(10, 11), iv(11, 12)], 2) == []


def test_saturated_joins_saturated_stretches_that_touch():
    # Two seats busy 10–11 by A+B, then 11–12 by A'+B: one saturated stretch 10–12.
    assert saturated([iv(10, 11), iv(10, 12), iv(11, 12)], 2) == [iv(10, 12)]


def test_saturated_ignores_empty_intervals():
    assert saturated([iv(10, 10), iv(10, 10), iv(10, 11)], 2) == []
