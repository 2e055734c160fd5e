"""The benchmarks judge their targets on unrounded figures."""

from __future__ import annotations

from benchmarks import against


def test_a_ratio_just_short_of_its_target_is_not_met_though_it_rounds_to_it() -> None:
    line = against(147.3 / 184.5, 0.8)  # 0.798: ".2f" would print 0.80
    assert line.startswith("0.798x")
    assert line.endswith("NOT MET)")


def test_a_ratio_at_or_above_its_target_is_met() -> None:
    assert against(1.7, 1.7).endswith(": met)")
    assert against(1.94, 1.7) == "1.940x (target >= 1.7: met)"


def test_an_upper_bound_is_met_at_or_below_it_only() -> None:
    assert against(1.28, 1.3, at_most=True) == "1.280x (target <= 1.3: met)"
    assert against(1.31, 1.3, at_most=True).endswith("NOT MET)")
