"""Strict, bounded YAML for scenario files: plain data only, every surprise is an error.

``yaml.safe_load`` is safe against code execution but not against quiet mistakes or cheap
denial of service, and a policy tool must not let either through:

* a duplicate key silently lets the last value win (a second ``scheme:`` switches the scheme);
* ``.nan`` / ``.inf`` pass as numbers and surface later as a numpy error blaming the data;
* aliases (``*name``) expand a 1 kB file into gigabytes ("billion laughs");
* deep nesting makes the recursive composer raise ``RecursionError``;
* a very large file or scalar takes seconds to parse.

:func:`load_text` parses with a :class:`yaml.SafeLoader` subclass whose composer refuses anchors,
aliases and nesting beyond :data:`MAX_DEPTH`, then builds Python data from the node tree itself so
it can name the key path and line of a duplicate key or a non-finite number. Everything it
rejects raises :class:`YamlProblem`; callers turn that into an ``InputError`` for their file.
Only the core tags are accepted (mapping, sequence, string, int, float, bool, null); a scalar
that YAML 1.1 would read as a date stays the string it was written as.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

#: Largest scenario file accepted, in bytes (the bundled ones are 1-2 kB; the densest 32 kB
#: file parses in well under the 1 s budget even on a busy machine: benchmarks/scenario_parse.py).
MAX_BYTES = 32 * 1024
#: Deepest nesting of mappings/sequences (the deepest packaged key path has 7 levels).
MAX_DEPTH = 24
#: Most nodes in one document (bounds construction and validation time).
MAX_NODES = 10_000
#: Longest scalar (a description is a few hundred characters).
MAX_SCALAR_CHARS = 10_000
#: Integers beyond this magnitude are not a plausible parameter (and 2**53 loses precision).
MAX_INT = 2**53

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}


def short(value: Any, limit: int = 60) -> str:
    """``repr`` of ``value`` cut to ``limit`` characters: messages never echo a whole input."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class YamlProblem(Exception):
    """What is wrong and where: ``path`` a dotted key path ("" = the document), ``line`` 1-based."""

    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def location(self) -> str:
        where = f"line {self.line}" if self.line else ""
        if self.line and self.column:
            where += f", column {self.column}"
        if self.path:
            return f"{self.path} ({where})" if where else self.path
        return where


def _mark(node_or_event) -> tuple[int | None, int | None]:  # 1-based line, column
    mark = getattr(node_or_event, "start_mark", None)
    return (mark.line + 1, mark.column + 1) if mark is not None else (None, None)


_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's event parser is ~20x faster


class StrictLoader(_BASE):
    """A SafeLoader that composes plain data straight from the parser's events.

    The events are folded with an explicit stack (no recursion, so no ``RecursionError``), which
    is where anchors, aliases, depth, size, duplicate keys and non-finite numbers are refused,
    each with its key path and line. Scalars are resolved and constructed by the SafeLoader's own
    resolver and constructors, so ``yes``, ``0x1F`` or ``1_000`` mean what YAML says they mean.
    """

    def compose_plain(self) -> Any:
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        nodes = 0
        while True:
            event = self.get_event()
            if isinstance(event, (StreamStartEvent, DocumentEndEvent)):
                continue
            if isinstance(event, StreamEndEvent):
                return root
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlProblem("more than one YAML document (---) in the file",
                                      line=_mark(event)[0])
                continue
            line, col = _mark(event)
            here = stack[-1] if stack else None
            if isinstance(event, AliasEvent):
                raise YamlProblem(f"YAML alias *{short(event.anchor, 30)} is not allowed "
                                  "(write the value out; aliases can expand a small file "
                                  "without bound)", here.path() if here else "", line, col)
            if isinstance(event, (SequenceEndEvent, MappingEndEvent)):
                done = stack.pop()
                if stack:
                    stack[-1].add(done.value, done.line)
                else:
                    root = done.value
                continue
            if event.anchor is not None:
                raise YamlProblem(f"YAML anchor &{short(event.anchor, 30)} is not allowed "
                                  "(scenarios share settings through `extends:`)",
                                  here.path() if here else "", line, col)
            nodes += 1
            if nodes > MAX_NODES:
                raise YamlProblem(f"too many values (more than {MAX_NODES:,})",
                                  here.path() if here else "", line, col)
            if isinstance(event, ScalarEvent):
                keys = here.keys_for_child() if here else ()
                value = _scalar(self, event, keys)
                if here is None:
                    root = value
                else:
                    here.add(value, line, col)
                continue
            # a collection starts
            if here is not None and here.expects_key():
                raise YamlProblem("a key must be a plain value, not a mapping or list",
                                  here.path(), line, col)
            tag = event.tag
            kind = "seq" if isinstance(event, SequenceStartEvent) else "map"
            if tag not in (None, "!", _TAG + kind):
                raise YamlProblem(f"unsupported YAML tag {short(tag, 40)} (plain values only)",
                                  _path(here.keys_for_child() if here else ()), line, col)
            if len(stack) >= MAX_DEPTH:
                raise YamlProblem(f"nested deeper than {MAX_DEPTH} levels",
                                  here.path() if here else "", line, col)
            stack.append(_Frame(kind, here.keys_for_child() if here else (), line))


class _Frame:
    """One open mapping or sequence while folding events."""

    __slots__ = ("kind", "keys", "line", "value", "pending", "first_line")

    def __init__(self, kind: str, keys: tuple, line: int | None) -> None:
        self.kind, self.keys, self.line = kind, keys, line
        self.value: Any = [] if kind == "seq" else {}
        self.pending: Any = _NO_KEY
        self.first_line: dict = {}

    def path(self) -> str:
        return _path(self.keys)

    def expects_key(self) -> bool:
        return self.kind == "map" and self.pending is _NO_KEY

    def keys_for_child(self) -> tuple:
        if self.kind == "seq":
            return (*self.keys, (len(self.value),))
        return self.keys if self.pending is _NO_KEY else (*self.keys, self.pending)

    def add(self, value: Any, line: int | None, col: int | None = None) -> None:
        if self.kind == "seq":
            self.value.append(value)
            return
        if self.pending is _NO_KEY:  # value is a key
            if value in self.value or value in self.first_line:
                raise YamlProblem(
                    f"duplicate key {short(value, 40)} (first at line "
                    f"{self.first_line.get(value)}, again at line {line}); the second would "
                    "silently replace the first", _path((*self.keys, value)), line, col)
            self.first_line[value] = line
            self.pending = value
            return
        self.value[self.pending] = value
        self.pending = _NO_KEY


_NO_KEY = object()


def load_text(text: str) -> Any:
    """Parse one YAML document into plain data (dict / list / str / int / float / bool / None).

    Raises :class:`YamlProblem` for a syntax error, an alias or anchor, nesting deeper than
    :data:`MAX_DEPTH`, a duplicate key, a non-finite number, an unsupported tag, or a document
    larger than the bounds above.
    """
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlProblem(f"file is larger than {MAX_BYTES // 1024} kB (a scenario is a few "
                          "kB of settings)")
    if "\x00" in text:
        raise YamlProblem("file contains a NUL byte (not a text file)")
    loader = StrictLoader(text)
    try:
        return loader.compose_plain()
    except YamlProblem:
        raise
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise YamlProblem(f"invalid YAML: {short(str(problem), 120)}", line=line,
                          column=col) from None
    finally:
        loader.dispose()


def _path(keys: tuple) -> str:
    return ".".join(short(k, 40) if not isinstance(k, str) or len(k) > 40 else k
                    for k in map(_key_text, keys))


def _key_text(k: Any) -> Any:
    return str(k[0]) if isinstance(k, tuple) else k


def _scalar(loader: StrictLoader, event: ScalarEvent, keys: tuple) -> Any:
    line, col = _mark(event)
    if len(event.value) > MAX_SCALAR_CHARS:
        raise YamlProblem(f"value longer than {MAX_SCALAR_CHARS:,} characters", _path(keys),
                          line, col)
    tag = event.tag
    if tag is None and event.style in ("'", '"'):
        return event.value  # a quoted scalar is a string (the fast path of most keys/texts)
    if tag is None or tag == "!":
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == _TAG + "str":
        return event.value
    if tag == _TAG + "timestamp":
        return event.value  # a date-like string stays the string it was written as
    if tag not in _ALLOWED_TAGS:
        raise YamlProblem(f"unsupported YAML tag {short(tag, 40)} (plain values only)",
                          _path(keys), line, col)
    if tag == _TAG + "int" and len(event.value.lstrip("+-0_")) > 20:
        raise YamlProblem(f"integer {short(event.value, 30)} is out of range (|x| <= 2**53)",
                          _path(keys), line, col)
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        value = yaml.SafeLoader.yaml_constructors[tag](loader, node)
    except (yaml.YAMLError, ValueError, OverflowError) as err:
        raise YamlProblem(f"unreadable value {short(event.value, 40)}: {short(str(err), 80)}",
                          _path(keys), line, col) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise YamlProblem(f"non-finite number {short(event.value, 20)} (NaN and infinity are "
                          "not parameter values)", _path(keys), line, col)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        raise YamlProblem(f"integer {short(event.value, 30)} is out of range (|x| <= 2**53)",
                          _path(keys), line, col)
    return value


def check_plain(data: Any, keys: tuple = (), depth: int = 0) -> None:
    """The same rules for data that did not come from a file (a dict scenario, ``--set``
    values): bounded depth, finite numbers, bounded integers."""
    if depth > MAX_DEPTH:
        raise YamlProblem(f"nested deeper than {MAX_DEPTH} levels", _path(keys))
    if isinstance(data, dict):
        for k, v in data.items():
            check_plain(v, (*keys, k), depth + 1)
    elif isinstance(data, (list, tuple)):
        for i, v in enumerate(data):
            check_plain(v, (*keys, (i,)), depth + 1)
    elif isinstance(data, float) and not math.isfinite(data):
        raise YamlProblem("non-finite number (NaN and infinity are not parameter values)",
                          _path(keys))
    elif isinstance(data, int) and not isinstance(data, bool) and abs(data) > MAX_INT:
        raise YamlProblem("integer out of range (|x| <= 2**53)", _path(keys))
