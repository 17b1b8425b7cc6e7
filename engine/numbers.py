"""Which numbers the rules engine can compare exactly."""

from __future__ import annotations

LARGEST_NUMBER = 10**12


def plain_number(value):
    """Finite, below 10^12 in absolute value, at most four decimals; else ValueError (bokmål).

    durable_rules' JSON reader does not understand exponents (1e+16, 1e-05), and no
    real checklist, home attribute or rule threshold needs them; refusing beats
    silently rounding.
    """
    if value != value or abs(value) >= LARGEST_NUMBER:
        raise ValueError(f"{value!r} er utenfor gyldig område (et endelig tall, høyst 1 000 000 000 000 i absoluttverdi)")
    if isinstance(value, float) and round(value, 4) != value:
        raise ValueError(f"{value!r} har for mange desimaler (høyst fire)")
    return value
