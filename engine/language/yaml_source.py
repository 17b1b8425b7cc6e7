"""Read YAML while remembering the line of every key and list item.

Validation errors must say `rules/prioritering.yaml:42`, so every document read
from a file keeps a map from its location path (a tuple of keys and indexes,
as pydantic reports them) to the line it starts on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from engine.errors import Problem

Loc = tuple  # tuple[str | int, ...]

# How a rule is named in messages, by the list it stands in.
RULE_KINDS = {"kriterier": "kriterium", "kontroller": "kontroll", "regler": "regel"}


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of silently keeping the last."""


def _construct_mapping(loader, node, deep=False):
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"nøkkelen '{key}' står to ganger (første gang på linje {seen[key]})",
                key_node.start_mark)
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


def _construct_date(loader, node):
    """An unquoted `2026-13-01` looks like a date to YAML; say so with its line instead of crashing."""
    from engine.language.validation_messages import not_a_date  # it reads this module's locations

    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(None, None, not_a_date(node.value), node.start_mark)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)


@dataclass
class SourceDocument:
    """A parsed YAML/JSON document together with its origin and line map."""

    data: object
    file: str | None = None
    lines: dict = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        """The line of the deepest known prefix of `loc` (pydantic adds union tags to paths)."""
        best = self.lines.get(())
        current: tuple = ()
        for part in loc:
            candidate = current + (part,)
            if candidate in self.lines:
                current = candidate
                best = self.lines[candidate]
        return best

    def problem(self, loc: Loc, message: str, rule_id: str | None = None) -> Problem:
        kind = RULE_KINDS.get(loc[0], "regel") if loc else "regel"
        return Problem(path=format_loc(loc), message=message, file=self.file,
                       line=self.line_of(loc), rule_id=rule_id, rule_kind=kind)


def format_loc(loc: Loc) -> str:
    """`('kandidater', 2, 'sjekkliste', 'x')` -> `kandidater[2].sjekkliste.x`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _line_map(node, loc: tuple, lines: dict) -> None:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[loc + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, loc + (key,), lines)
            lines[loc + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, loc + (i,), lines)


def parse_yaml_text(text: str, file: str | None = None) -> SourceDocument:
    """Parse YAML (JSON is YAML too) and build the line map; syntax errors become Problems."""
    try:
        node = yaml.compose(text, Loader=_UniqueKeyLoader)
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise YamlSyntaxError(Problem(path="", message=f"ugyldig YAML: {reason}", file=file, line=line))
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. a list as a key, a 5,000-digit number
        raise YamlSyntaxError(Problem(path="", message=f"ugyldig YAML: {exc}", file=file))
    lines: dict = {}
    if node is not None:
        _line_map(node, (), lines)
    return SourceDocument(data=data, file=file, lines=lines)


def shown_path(path: Path) -> str:
    """A path as the user should read it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_yaml_file(path: Path, shown_as: str | None = None) -> SourceDocument:
    shown = shown_as or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlSyntaxError(Problem(path="", message="filen finnes ikke", file=shown))
    except UnicodeDecodeError:
        raise YamlSyntaxError(Problem(path="", message="filen er ikke UTF-8-tekst", file=shown))
    return parse_yaml_text(text, file=shown)


class YamlSyntaxError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))
