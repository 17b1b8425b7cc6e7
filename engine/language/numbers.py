"""Which numbers the rules engine can compare exactly."""

from __future__ import annotations

LARGEST_NUMBER = 10**12


def plain_number(value):
    """Finite, below 10^12 in absolute value, at most four decimals; else ValueError (bokmål).

    durable_rules' JSON reader refuses an exponent after a mantissa without a
    decimal point (error 204), which is how Python writes large and small floats
    (1e+16, 1e-05); within these bounds Python never writes an exponent. No real
    checklist, home attribute or rule threshold needs more; refusing beats silently
    rounding. Used for every number in a case (engine/language/case.py) and for the
    thresholds of over/minst/under/hoyst (engine/language/conditions.py); see
    docs/durable_rules.md.
    """
    if value != value or abs(value) >= LARGEST_NUMBER:
        raise ValueError(f"{value!r} er utenfor gyldig område (et endelig tall, høyst 1 000 000 000 000 i absoluttverdi)")
    if isinstance(value, float) and round(value, 4) != value:
        raise ValueError(f"{value!r} har for mange desimaler (høyst fire)")
    return value
