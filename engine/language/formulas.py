"""Formulas (formler): arithmetic over fields, parameters and other computed values.

A computed value may be `formel: "rund_ned(beregnet.inntektsfaktor * parameter.grunnbelop)"`.
The language is deliberately small, so policy staff can read every formula aloud:
numbers (with a decimal point), dotted field paths, + − × ÷ (`+ - * /`), brackets,
and four functions: `min(a, b, ...)`, `max(a, b, ...)`, `rund_ned(x)` and `rund_opp(x)`
(to a whole number). It is read with Python's own expression parser and then only
the nodes named here are accepted, so nothing in a formula can run code.

durable_rules has no arithmetic over a fact's fields that we could use for this
(its `$add`/`$mul` apply to the right-hand side of one comparison only), so formulas
are computed in Python before matching, like the other computed values
(engine/evaluation/computed.py); every condition on them is still durable_rules'.

What is known when the rules are checked is refused then: an unknown or non-number
field, a date used as a number, division by a zero constant or by a parameter that is
zero on some date, units that do not fit together (kr + måneder, kr × kr), a formula
that depends on itself. What is known only at rank time gives no value ("ikke
oppgitt"): a missing input, division by zero. Results are rounded to four decimals,
the precision every number in a case has (engine/language/numbers.py).
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any, Callable, Union

from engine.language.numbers import LARGEST_NUMBER

FUNCTIONS = {"min": (2, None), "max": (2, None), "rund_ned": (1, 1), "rund_opp": (1, 1)}  # name: (least, most) args
OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
ALLOWED = "tall, felt, + - * /, parenteser, min(), max(), rund_ned() og rund_opp()"


class FormulaError(ValueError):
    """A formula that cannot be read or cannot be right (bokmål message)."""


@dataclass(frozen=True)
class Number:
    value: Union[int, float]


@dataclass(frozen=True)
class Ref:
    path: str


@dataclass(frozen=True)
class BinOp:
    op: str
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class Negate:
    operand: "Node"


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple


Node = Union[Number, Ref, BinOp, Negate, Call]


def parse(text: str) -> Node:
    """The formula as a tree; FormulaError says what is wrong and at which character."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("formelen er tom")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        where = f" (ved tegn {exc.offset})" if exc.offset else ""
        raise FormulaError(f"formelen kan ikke leses{where}") from None
    if isinstance(tree.body, ast.Tuple):
        raise FormulaError("formelen har komma utenfor en funksjon; bruk punktum som desimaltegn (3.5, ikke 3,5)")
    return _convert(tree.body, text)


def _convert(node: ast.AST, text: str) -> Node:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return Number(node.value)
    if isinstance(node, (ast.Name, ast.Attribute)):
        return Ref(_dotted(node, text))
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        return BinOp(OPERATORS[type(node.op)], _convert(node.left, text), _convert(node.right, text))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _convert(node.operand, text)
        return Negate(inner) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        name = node.func.id
        if name not in FUNCTIONS:
            raise FormulaError(f"ukjent funksjon '{name}' i formelen (kjente: {', '.join(FUNCTIONS)})")
        least, most = FUNCTIONS[name]
        if len(node.args) < least or (most is not None and len(node.args) > most):
            wanted = "ett tall" if most == 1 else f"minst {least} tall"
            raise FormulaError(f"{name}() tar {wanted}, men fikk {len(node.args)}")
        return Call(name, tuple(_convert(a, text) for a in node.args))
    piece = ast.get_source_segment(text.strip(), node) or type(node).__name__
    raise FormulaError(f"'{piece}' kan ikke brukes i en formel (bare {ALLOWED})")


def _dotted(node: ast.AST, text: str) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise FormulaError(f"'{ast.get_source_segment(text.strip(), node)}' er ikke et feltnavn")
    parts.append(node.id)
    return ".".join(reversed(parts))


def references(node: Node) -> list[str]:
    """The field paths a formula reads, in the order written, each once."""
    out: dict[str, None] = {}

    def visit(n):
        if isinstance(n, Ref):
            out.setdefault(n.path)
        elif isinstance(n, BinOp):
            visit(n.left)
            visit(n.right)
        elif isinstance(n, Negate):
            visit(n.operand)
        elif isinstance(n, Call):
            for a in n.args:
                visit(a)

    visit(node)
    return list(out)


def divisors(node: Node) -> list[Node]:
    """Every right-hand side of a division in the formula (to check for zero)."""
    if isinstance(node, BinOp):
        own = [node.right] if node.op == "/" else []
        return own + divisors(node.left) + divisors(node.right)
    if isinstance(node, Negate):
        return divisors(node.operand)
    if isinstance(node, Call):
        return [d for a in node.args for d in divisors(a)]
    return []


def unit_of(node: Node, unit: Callable[[str], str | None]) -> str | None:
    """The unit (enhet) of the formula's result, from the units of what it reads; None: no unit.

    A number written in the formula fits any unit (`beregnet.x + 1000`, `3.5 * parameter.g`).
    Adding, subtracting, min and max need the same unit on both sides; multiplying two
    values that both have a unit, or dividing by one, is refused: no policy multiplies
    kroner by kroner, and a result in "kr per måned" would be compared with nothing.
    """
    if isinstance(node, Number):
        return None
    if isinstance(node, Ref):
        return unit(node.path)
    if isinstance(node, Negate):
        return unit_of(node.operand, unit)
    if isinstance(node, Call):
        units = [unit_of(a, unit) for a in node.args]
        return _same_unit(units, f"{node.name}()")
    left, right = unit_of(node.left, unit), unit_of(node.right, unit)
    if node.op in "+-":
        return _same_unit([left, right], "'+'" if node.op == "+" else "'-'")
    if node.op == "*":
        if left and right:
            raise FormulaError(f"å gange {left} med {right} gir ingen mening; en av dem må være et tall uten enhet")
        return left or right
    if right and left == right:
        return None  # a ratio: kr / kr
    if right:
        raise FormulaError(f"å dele {left or 'et tall'} på {right} gir ingen mening her; "
                           "del på et tall uten enhet eller på noe med samme enhet")
    return left


def _same_unit(units: list[str | None], where: str) -> str | None:
    known = sorted({u for u in units if u})
    if len(known) > 1:
        raise FormulaError(f"{where} blander enheter ({' og '.join(known)}); regn i én enhet")
    return known[0] if known else None


def evaluate(node: Node, values: dict[str, Any]) -> Union[int, float, None]:
    """The formula's value for one candidate, or None when an input is missing or a divisor is zero."""
    return compiled(node)(values)


def compiled(node: Node) -> Callable[[dict[str, Any]], Union[int, float, None]]:
    """`evaluate` for one formula, as a function built once: a closure per node instead of walking
    the tree and testing each node's type for every candidate (a third of ranking 5,000 candidates
    under a bundle with six formulas, benchmarks/policy_rank_benchmark.py)."""
    inner = _closure(node)

    def run(values: dict[str, Any]):
        try:
            return plain_result(inner(values))
        except (_Missing, ZeroDivisionError, OverflowError):
            return None

    return run


def _closure(node: Node) -> Callable[[dict[str, Any]], Any]:
    if isinstance(node, Number):
        constant = node.value
        return lambda values: constant
    if isinstance(node, Ref):
        path = node.path

        def read(values):
            value = values.get(path)
            if value.__class__ is bool:  # a ja/nei field counts 1 or 0, so a sum says how many are ja
                return 1 if value else 0
            if value is None or value.__class__ not in (int, float):
                raise _Missing
            return value
        return read
    if isinstance(node, Negate):
        operand = _closure(node.operand)
        return lambda values: -operand(values)
    if isinstance(node, Call):
        args = [_closure(a) for a in node.args]
        if node.name == "min":
            return lambda values: min(a(values) for a in args)
        if node.name == "max":
            return lambda values: max(a(values) for a in args)
        [only] = args
        if node.name == "rund_ned":
            return lambda values: math.floor(round(only(values), 4))
        return lambda values: math.ceil(round(only(values), 4))
    left, right = _closure(node.left), _closure(node.right)
    if node.op == "+":
        return lambda values: left(values) + right(values)
    if node.op == "-":
        return lambda values: left(values) - right(values)
    if node.op == "*":
        return lambda values: left(values) * right(values)
    return lambda values: left(values) / right(values)


def plain_result(value) -> Union[int, float, None]:
    """A computed number as the engine can compare it: four decimals, whole numbers as int, in range."""
    if value is None or isinstance(value, bool) or not math.isfinite(value):
        return None
    value = round(value, 4)
    if abs(value) >= LARGEST_NUMBER:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Missing(Exception):
    pass


def dependency_order(reads: dict[str, list[str]]) -> list[str]:
    """Computed values so that each comes after the computed values it reads (`reads`: path -> paths).

    Raises ValueError with the cycle ("beregnet.a → beregnet.b → beregnet.a").
    """
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(path: str, trail: list[str]) -> None:
        if state.get(path) == "done":
            return
        if state.get(path) == "visiting":
            raise ValueError(" → ".join(trail[trail.index(path):] + [path]))
        state[path] = "visiting"
        for needed in reads[path]:
            if needed in reads:
                visit(needed, trail + [path])
        state[path] = "done"
        order.append(path)

    for path in reads:
        visit(path, [])
    return order
