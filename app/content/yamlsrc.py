"""YAML that remembers where each value came from, so schema errors point at a line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.content.errors import LessonFileError, LessonProblem

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


def read_text(path: Path) -> str:
    """Return the file's text; bad UTF-8 or a missing file becomes a LessonFileError."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LessonFileError([LessonProblem(path, 1, "file is missing")]) from None
    except OSError as exc:
        raise LessonFileError(
            [LessonProblem(path, 1, f"cannot read file: {exc.strerror}")]
        ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        msg = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        raise LessonFileError([LessonProblem(path, line, msg)]) from None


def _line_map(node: yaml.Node, loc: Loc, out: dict[Loc, int]) -> None:
    out.setdefault(loc, node.start_mark.line + 1)  # a key's own line wins over its value's
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out[(*loc, key.value)] = key.start_mark.line + 1
            _line_map(value, (*loc, key.value), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, (*loc, i), out)


def _load_once(text: str) -> tuple[yaml.Node | None, Any]:
    """Return (node tree, data) from one parse.

    Composing the tree (which has the lines) and then calling yaml.safe_load would parse
    the text twice; this builds the data from the tree, as safe_load does inside.
    """
    loader = yaml.SafeLoader(text)  # may raise: the reader checks for unprintable characters
    try:
        node = loader.get_single_node()
        return node, None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def parse_yaml(text: str, path: Path, first_line: int = 1) -> tuple[Any, dict[Loc, int]]:
    """Return (data, location -> line); YAML syntax errors become LessonFileError."""
    offset = first_line - 1
    try:
        node, data = _load_once(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        problem = exc.problem or "invalid YAML"
        raise LessonFileError([LessonProblem(path, line, f"YAML syntax: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise LessonFileError([LessonProblem(path, first_line, f"YAML: {exc}")]) from None
    lines: dict[Loc, int] = {}
    if node is not None:
        _line_map(node, (), lines)
        lines = {k: v + offset for k, v in lines.items()}
    return data, lines


def _locate(loc: Loc, data: Any, lines: dict[Loc, int], default: int) -> tuple[int, str]:
    """Return (line, dotted path) for a pydantic error location.

    Pydantic puts a union's tag (the `type` value, e.g. 'single') inside locations; it is
    skipped, as YAML never had it. A final part YAML lacks names a missing field.
    """
    found: Loc = ()
    shown: list[str] = []
    for i, part in enumerate(loc):
        if (*found, part) in lines:
            found = (*found, part)
            shown.append(str(part))
            data = data[part] if isinstance(data, dict | list) else None  # type: ignore[index]
        elif isinstance(data, dict) and data.get("type") == part:
            continue
        elif i == len(loc) - 1:
            shown.append(str(part))
    return lines.get(found, default), ".".join(shown) or "file"


def validate(model: type[M], data: Any, lines: dict[Loc, int], path: Path, first_line: int) -> M:
    """Return `model` built from data; each schema error becomes a `path:line: message`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = set()
        for err in exc.errors(include_url=False):
            line, where = _locate(tuple(err["loc"]), data, lines, first_line)
            msg = err["msg"].removeprefix("Value error, ")
            problems.add(LessonProblem(path, line, f"{where}: {msg}"))
        raise LessonFileError(sorted(problems)) from None
