"""Benchmarks that print their figures (see each script's docstring)."""


def against(ratio: float, target: float, at_most: bool = False) -> str:
    """``ratio`` with its target and whether it holds, judged on the
    unrounded value (0.798 printed as 0.80 would read as met)."""
    holds = ratio <= target if at_most else ratio >= target
    sign = "<=" if at_most else ">="
    return f"{ratio:.3f}x (target {sign} {target}: {'met' if holds else 'NOT MET'})"
