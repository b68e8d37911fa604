"""Class breaks with the threshold as a bound, and membership by mapclassify's convention."""

from geo.maps.classes import DISTINCT, FISHER_JENKS, NO_VALUES, class_breaks, classify


def test_class_breaks_put_the_threshold_on_a_bound():
    values = [33.0, 35.0, 38.0, 41.0, 45.0, 52.0, 60.0, 61.5]
    bins, scheme = class_breaks(values, 40.0)
    assert 40.0 in bins and len(bins) <= 5 and bins == sorted(bins)
    assert bins[-1] == 61.5 and scheme == FISHER_JENKS
    few, scheme = class_breaks([3.3, 4.9, 7.8], None)
    assert few == [3.3, 4.9, 7.8] and scheme == DISTINCT
    outside, _ = class_breaks([10.0, 20.0], 40.0)  # threshold beyond the values: not added
    assert outside == [10.0, 20.0]


def test_a_value_on_the_threshold_falls_in_the_class_below_it():
    values = {"a": 33.0, "b": 40.0, "c": 40.1, "d": 45.0, "e": 52.0, "f": 60.0, "g": 61.5}
    found = classify(values, 40.0)
    bound = found.bins.index(40.0)
    # C[j-1] < y <= C[j]: 40.0 is in the class that ends at 40, 40.1 in the next one
    assert found.membership["b"] == bound
    assert found.membership["c"] == bound + 1
    assert found.membership["a"] <= bound < found.membership["d"]
    assert sum(found.counts) == len(values)
    assert found.minimum == 33.0


def test_no_values_no_classes():
    found = classify({}, 40.0)
    assert found.bins == [] and found.scheme == NO_VALUES and found.membership == {}
