"""Read YAML and JSON while being able to say the line of every key and list item.

Validation errors must say `rules/prioritering.yaml:42`, so every document read
from a file can map a location path (a tuple of keys and indexes, as pydantic
reports them) to the line it starts on.

Reading must also be fast for a case file of thousands of candidates (issue 12):
JSON is read by the json module, YAML by libyaml (PyYAML's C loader) when PyYAML
was built with it, and the line map is built only when something asks for a line,
that is, when there is a problem to report. A valid file is parsed once.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from engine.errors import Problem

Loc = tuple  # tuple[str | int, ...]

# How a rule is named in messages, by the list it stands in.
RULE_KINDS = {"kriterier": "kriterium", "kontroller": "kontroll", "regler": "regel", "vilkar": "vilkår",
              "trinn": "trinn", "grupper": "gruppe", "vedtak": "vedtakspunkt",
              "merknader": "merknad", "trinn_ned": "trinn ned", "lokale_planer": "lokal plan",
              "gjelder_ikke": "regel om virkeområdet"}


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader (libyaml's parser where there is one) that refuses duplicate keys instead of keeping the last.

    The constructors below are Python either way, so both loaders give the same
    values and the same messages; libyaml only reads the text about ten times faster.
    """


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
    """An unquoted `2026-13-01` looks like a date to YAML but is none: kept as the text it is, so the model
    that reads the document refuses it where it stands ("'2026-13-01' er ikke en dato ...", with its path),
    together with every other problem of the document, instead of stopping the reading at the first."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)


class SourceDocument:
    """A parsed YAML/JSON document together with its origin and (on demand) its line map.

    `lines` maps location paths to line numbers. Given the text, the map is
    composed the first time it is asked for; a document built from data alone
    (an inline case inside a scenario) is given its lines.
    """

    def __init__(self, data: object, file: str | None = None, lines: dict | None = None, text: str | None = None):
        self.data = data
        self.file = file
        self._lines = lines
        self._text = text

    @property
    def lines(self) -> dict:
        if self._lines is None:
            self._lines = {}
            if self._text is not None:
                try:
                    node = yaml.compose(self._text, Loader=_UniqueKeyLoader)
                except (yaml.YAMLError, ValueError, TypeError, RecursionError):
                    node = None  # the data was read, so this only costs the lines of a document YAML cannot compose
                if node is not None:
                    _line_map(node, (), self._lines)
        return self._lines

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


class _DuplicateJsonKey(Exception):
    pass


def _json_object(pairs: list) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _DuplicateJsonKey  # YAML's reader below names the key and its line
    return out


def _no_constant(name: str):
    raise ValueError(f"{name} er ikke et tall")


def _looks_like_json(text: str, file: str | None) -> bool:
    return bool(file and file.endswith(".json")) or text.lstrip()[:1] in ("{", "[")


def parse_yaml_text(text: str, file: str | None = None) -> SourceDocument:
    """Parse YAML, or JSON (which is YAML too, but the json module reads it far faster); errors become Problems.

    A text that is not valid JSON is read as YAML, which reports the problem with its
    line, as it always has: `{ledig_bolig: ...}` is a fine YAML flow mapping.
    """
    if _looks_like_json(text, file):
        try:
            data = json.loads(text, object_pairs_hook=_json_object, parse_constant=_no_constant)
        except (_DuplicateJsonKey, json.JSONDecodeError, ValueError):
            pass
        except RecursionError:
            raise YamlSyntaxError(Problem(path="", message="ugyldig JSON: dokumentet er for dypt nøstet", file=file))
        else:
            return SourceDocument(data=data, file=file, text=text)
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        if "end of stream" in reason and getattr(exc, "context_mark", None) is not None:
            mark = exc.context_mark  # an unclosed quote or bracket: where it opened, not the end of the file
        line = mark.line + 1 if mark else None
        if "cannot start any token" in reason and mark is not None and _char_at(text, mark) == "\t":
            reason = "found a tab character"
        said = next((words for pattern, words in YAML_IN_BOKMAL if pattern in reason), None)
        said = said or next((words for pattern, words in YAML_HINTS if pattern in str(exc)), None)
        where = f" (kolonne {mark.column + 1})" if mark else ""
        message = f"ugyldig YAML{where}: {said}" if said else f"ugyldig YAML: {reason}"
        raise YamlSyntaxError(Problem(path="", message=message, file=file, line=line))
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. a list as a key, a 5,000-digit number
        raise YamlSyntaxError(Problem(path="", message=f"ugyldig YAML: {exc}", file=file))
    return SourceDocument(data=data, file=file, text=text)


def _char_at(text: str, mark) -> str:
    lines = text.splitlines()
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


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


# What PyYAML's English means in the mistakes policy staff make, found by the people who wrote
# the bundles in examples/policies/ (its own words are kept: they are what a search finds).
# The parser's own words for the slips policy staff make most, said in bokmål with the fix; the column is
# where the parser stopped, which for a missing comma is the key after it.
YAML_IN_BOKMAL = (
    ("mapping values are not allowed", "en tekst med «: » i seg må stå i anførselstegn, f.eks. "
                                       "hjemmel: \"pkt. 3: avslag\""),
    ("did not find expected ',' or '}'", "mangler komma eller «}» i et oppslag på én linje: parene skilles med "
                                         "komma, og oppslaget slutter med «}», f.eks. "
                                         "{felt: sjekkliste.bosituasjon, er: bostedslos}"),
    ("did not find expected ',' or ']'", "mangler komma eller «]» i en liste på én linje: verdiene skilles med "
                                         "komma, og listen slutter med «]», f.eks. [bostedslos, midlertidig]"),
    ("did not find expected node content", "mangler en verdi: to komma etter hverandre, eller et komma eller "
                                           "kolon uten noe etter seg"),
    ("found a tab character", "tabulator kan ikke brukes til innrykk; bruk mellomrom"),
    ("cannot start any token", "en verdi kan ikke begynne med dette tegnet (f.eks. @ eller `); sett verdien i "
                               "anførselstegn"),
    ("did not find expected '-' indicator", "en liste (linjer som begynner med «-») og «navn: verdi» kan ikke stå "
                                            "på samme innrykk"),
    ("expected <block end>, but found", "innrykket stemmer ikke: linjen står lenger inn eller ut enn linjene "
                                        "den hører sammen med"),
    ("did not find expected key", "innrykket stemmer ikke, eller en linje som begynner med «-» står der det "
                                  "ventes et navn med kolon"),
    ("could not find expected ':'", "mangler kolon etter et navn (skriv «navn: verdi»), eller en tekst over flere "
                                    "linjer må stå i anførselstegn"),
    ("found unexpected end of stream", "filen slutter før et anførselstegn, «]» eller «}» er lukket"),
)

# What the reader is told instead of PyYAML's English («could not determine a constructor for the tag ...»)
YAML_HINTS = (
    ("tag:yaml.org,2002:merge", "sammenslåing med «<<:» støttes ikke; skriv feltene ut, eller bruk et anker "
                                "«&navn» og «*navn» for hele verdien"),
    ("found undefined alias", "et «*navn» må vise til et «&navn» som står lenger opp i filen"),
)


class YamlSyntaxError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))
