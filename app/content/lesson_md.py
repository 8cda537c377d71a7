"""Parse `lesson.md`: YAML front matter, then `##` sections with Markdown and widget fences."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from app.content.diagram import diagram_figure, svg_problems
from app.content.errors import LessonFileError, LessonProblem
from app.content.markdown import make_renderer, widget_placeholder
from app.content.model import Section, SectionKind
from app.content.schema import DiagramConfig, FrontMatter, StepperConfig
from app.content.yamlsrc import parse_yaml, read_text, validate

_HEADING = re.compile(r"^##\s+(?P<title>.+?)(?:\s+\{#(?P<id>[a-z0-9][a-z0-9_-]*)\})?\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_KINDS: dict[str, SectionKind] = {"quiz": "quiz", "dilemmas": "dilemmas"}


def slugify(text: str) -> str:
    """Return a lowercase, dash-separated id made of the text's letters and digits."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "section"


@dataclass(frozen=True)
class RawSection:
    id: str
    title: str
    body: str
    line: int  # line of the heading
    body_line: int  # line of the first body line


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (front matter YAML, body, line where the body starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or not text.strip():
        raise LessonFileError([LessonProblem(path, 1, "file is empty")])
    if lines[0].strip() != "---":
        msg = "lesson.md must start with YAML front matter: a line '---', the fields, '---'"
        raise LessonFileError([LessonProblem(path, 1, msg)])
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), i + 2
    msg = "front matter is not closed: add a line '---' after the fields"
    raise LessonFileError([LessonProblem(path, 1, msg)])


def split_sections(body: str, first_line: int) -> list[RawSection]:
    """Split the body at `##` headings outside fenced code; text before the first is an intro."""
    sections: list[RawSection] = []
    title, sid, line, start = "Introduction", "introduction", first_line, first_line
    buf: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if sections or "".join(buf).strip() or title != "Introduction":
            sections.append(RawSection(sid, title, "".join(buf), line, start))

    for n, text in enumerate(body.splitlines(keepends=True), start=first_line):
        m = _FENCE.match(text)
        if m:
            marker, rest = m.group(1), text.strip()[len(m.group(1)) :].strip()
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not rest:
                fence = None
        heading = _HEADING.match(text) if fence is None else None
        if heading:
            flush()
            title = heading["title"].strip()
            sid = heading["id"] or slugify(title)
            line, start, buf = n, n + 1, []
        else:
            buf.append(text)
    flush()
    return sections


def parse_lesson_md(text: str, path: Path) -> tuple[FrontMatter, list[Section]]:
    """Return the front matter and rendered sections; all problems found are raised together."""
    fm_text, body, body_line = split_front_matter(text, path)
    data, lines = parse_yaml(fm_text, path, first_line=2)
    if not isinstance(data, dict):
        raise LessonFileError([LessonProblem(path, 2, "front matter must be YAML fields")])
    front = validate(FrontMatter, data, lines, path, first_line=2)

    problems: list[LessonProblem] = []
    sections: list[Section] = []
    seen: dict[str, int] = {}
    for raw in split_sections(body, body_line):
        if raw.id in seen:
            msg = f"section id {raw.id!r} is used twice (first on line {seen[raw.id]})"
            problems.append(LessonProblem(path, raw.line, msg))
            continue
        seen[raw.id] = raw.line
        sections.append(_render_section(raw, path, problems))
    for i, sid in enumerate(front.narrated):
        if sid not in seen:
            line = lines.get(("narrated", i), 2)
            problems.append(LessonProblem(path, line, f"narrated: no section with id {sid!r}"))
    if problems:
        raise LessonFileError(problems)
    return front, sections


def _render_section(raw: RawSection, path: Path, problems: list[LessonProblem]) -> Section:
    counts: dict[str, int] = {}  # per name: a diagram added above a widget keeps its id

    def widget(name: str, body: str, fence_line: int) -> str:
        counts[name] = count = counts.get(name, 0) + 1
        first = raw.body_line + fence_line  # the fence's first body line
        try:
            data, lines = parse_yaml(body, path, first_line=first)
            if name == "diagram":
                diagram = validate(DiagramConfig, data or {}, lines, path, first_line=first)
                return _diagram(diagram, path, fence_line=first - 1)
            config = validate(StepperConfig, data or {}, lines, path, first_line=first)
        except LessonFileError as exc:
            problems.extend(exc.problems)
            return ""
        return widget_placeholder(name, config.model_dump(), f"{raw.id}-{name}-{count}")

    md = make_renderer(widget)
    html = md.render(raw.body)
    return Section(
        id=raw.id,
        title=raw.title,
        html=html,
        line=raw.line,
        kind=_KINDS.get(raw.id, "content"),
        text=plain_text(raw.body),
    )


def _diagram(config: DiagramConfig, path: Path, fence_line: int) -> str:
    """Return the figure for a diagram fence; a missing or unfit SVG is the fence's problem."""
    svg_path = path.parent / config.file
    try:
        svg = read_text(svg_path)
    except LessonFileError:
        msg = f"diagram: {config.file} is not in the lesson folder"
        raise LessonFileError([LessonProblem(path, fence_line, msg)]) from None
    found = svg_problems(svg)
    if found:
        raise LessonFileError([LessonProblem(path, fence_line, f"diagram {config.file} {p}")
                               for p in found])  # fmt: skip
    return diagram_figure(svg, config.caption)


def plain_text(markdown: str) -> str:
    """Return readable text of a Markdown body (for Listen): no fences, math or markup."""
    text = re.sub(r"(?ms)^\s{0,3}(`{3,}|~{3,}).*?^\s{0,3}\1\s*$", "", markdown)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$\n]+\$", " ", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`#>|]", "", text)
    return re.sub(r"[ \t]+", " ", text).strip()
