"""Parse `lesson.md`: YAML front matter, then `##` sections with Markdown and widget fences.

The body is parsed once by markdown-it; sections, widget lines and plain text all come from
its tokens, so they agree with what is rendered.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from pathlib import Path

from markdown_it.token import Token
from markdown_it.utils import EnvType

from app.content.diagram import diagram_figure, svg_problems
from app.content.errors import LessonFileError, LessonProblem
from app.content.markdown import make_renderer, set_widget_html, widget_name, widget_placeholder
from app.content.model import CHECK_MARK, Check, Section, SectionKind
from app.content.schema import (
    CheckConfig,
    DiagramConfig,
    FrontMatter,
    StepperConfig,
    UnitsConfig,
)
from app.content.yamlsrc import Loc, parse_yaml, read_text, validate

# A section heading's inline text, with an optional `{#id}` at its end.
_TITLE_ID = re.compile(r"(?P<title>.+?)(?:\s+\{#(?P<id>[a-z0-9][a-z0-9_-]*)\})?", re.S)
_KINDS: dict[str, SectionKind] = {"quiz": "quiz", "dilemmas": "dilemmas"}


def slugify(text: str) -> str:
    """Return a lowercase, dash-separated id made of the text's letters and digits."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "section"


@dataclass(frozen=True)
class RawSection:
    id: str
    title: str
    tokens: list[Token]  # the body's block tokens, without the heading's own
    line: int  # line of the heading


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


def _section_heading(tokens: list[Token], i: int) -> tuple[str, str] | None:
    """Return (title, id) if tokens[i] opens a top-level `##` heading (ATX or Setext)."""
    token = tokens[i]
    if token.type != "heading_open" or token.tag != "h2" or token.level != 0:
        return None  # a heading inside a list or a quote belongs to its section
    m = _TITLE_ID.fullmatch(tokens[i + 1].content)
    if m is None:
        return None  # an empty `##` stays in the body, as it always did
    title = m["title"].replace("\n", " ").strip()  # a Setext title may span lines
    return title, m["id"] or slugify(title)


def split_sections(tokens: list[Token], first_line: int) -> list[RawSection]:
    """Split the body's tokens at top-level `##` headings; tokens before the first are an intro.

    markdown-it has already decided what is a heading (so `##` inside fenced code is text), and
    each token's `map` gives its lines, counted from the body's first line, `first_line`.
    """
    starts = [(i, h) for i in range(len(tokens)) if (h := _section_heading(tokens, i))]
    first = starts[0][0] if starts else len(tokens)
    sections = []
    if first > 0:
        sections.append(RawSection("introduction", "Introduction", tokens[:first], first_line))
    for n, (i, (title, sid)) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(tokens)
        line = first_line + (tokens[i].map or [0])[0]
        body = tokens[i + 3 : end]  # after heading_open, inline, heading_close
        sections.append(RawSection(sid, title, body, line))
    return sections


@dataclass(frozen=True)
class ParsedMd:
    front: FrontMatter
    sections: list[Section]
    order_line: int | None  # where `order:` is written, or None when it is left out


def parse_lesson_md(text: str, path: Path) -> tuple[FrontMatter, list[Section]]:
    """Return the front matter and rendered sections; all problems found are raised together."""
    parsed = parse_lesson_file(text, path)
    return parsed.front, parsed.sections


def parse_lesson_file(text: str, path: Path) -> ParsedMd:
    """Return the front matter, the rendered sections and where the lesson's `order` is set."""
    fm_text, body, body_line = split_front_matter(text, path)
    data, lines = parse_yaml(fm_text, path, first_line=2)
    if not isinstance(data, dict):
        raise LessonFileError([LessonProblem(path, 2, "front matter must be YAML fields")])
    front = validate(FrontMatter, data, lines, path, first_line=2)

    md = make_renderer()
    env: EnvType = {}  # shared, so a link reference defined in one section works in all
    tokens = md.parse(body, env)
    problems: list[LessonProblem] = []
    sections: list[Section] = []
    seen: dict[str, int] = {}
    for raw in split_sections(tokens, body_line):
        if raw.id in seen:
            msg = f"section id {raw.id!r} is used twice (first on line {seen[raw.id]})"
            problems.append(LessonProblem(path, raw.line, msg))
            continue
        seen[raw.id] = raw.line
        checks = _place_widgets(raw, body_line, path, problems)
        html = md.renderer.render(raw.tokens, md.options, env)
        kind = _KINDS.get(raw.id, "content")
        text = plain_text(raw.tokens)
        sections.append(Section(raw.id, raw.title, html, raw.line, kind, text, tuple(checks)))
    sections = _attach_spoken_forms(sections, front.say, lines, path, problems)
    if front.spoken:
        if SPOKEN_ID in seen:
            msg = f"section id {SPOKEN_ID!r} is kept for the spoken summary: rename the section"
            problems.append(LessonProblem(path, seen[SPOKEN_ID], msg))
        sections.insert(0, spoken_section(front.spoken, lines.get(("spoken",), 2)))
    for i, sid in enumerate(front.narrated):
        if sid not in seen:
            line = lines.get(("narrated", i), 2)
            problems.append(LessonProblem(path, line, f"narrated: no section with id {sid!r}"))
    if problems:
        raise LessonFileError(problems)
    return ParsedMd(front, sections, lines.get(("order",)))


SPOKEN_ID = "in-brief"


def spoken_section(spoken: str, line: int) -> Section:
    """Return the front matter's spoken summary as the lesson's first section (Listen reads it
    first); a blank line in it starts a new paragraph."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", spoken) if p.strip()]
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>\n" for p in paragraphs)
    return Section(SPOKEN_ID, "In brief", body, line, "content", "\n\n".join(paragraphs))


def _attach_spoken_forms(
    sections: list[Section],
    say: dict[str, str],
    lines: dict[Loc, int],
    path: Path,
    problems: list[LessonProblem],
) -> list[Section]:
    """Return the sections with each formula named in the front matter's `say:` carrying its
    words (`data-say` beside the LaTeX alttext, which Listen would otherwise spell out); a
    `say:` entry that matches no formula is a problem at its line."""
    for latex, words in say.items():
        alt = 'alttext="' + html.escape(" ".join(latex.split()), quote=True) + '"'
        spoken = f'{alt} data-say="{html.escape(" ".join(words.split()), quote=True)}"'
        found = [s for s in sections if alt in s.html]
        if not found:
            line = lines.get(("say", latex), 2)
            msg = f"say: no formula ${latex}$ in the lesson (copy it as written between $ signs)"
            problems.append(LessonProblem(path, line, msg))
        sections = [
            replace(s, html=s.html.replace(alt, spoken)) if s in found else s for s in sections
        ]
    return sections


def _place_widgets(
    raw: RawSection, first_line: int, path: Path, problems: list[LessonProblem]
) -> list[Check]:
    """Validate each widget, diagram or check fence's YAML; set the HTML its fence renders as
    (a widget's placeholder, a diagram's inline SVG figure, a check's mark); return the
    section's checks, in order."""
    checks: list[Check] = []
    counts: dict[str, int] = {}  # per name: a diagram added above a widget keeps its id
    for token in raw.tokens:
        name = widget_name(token)
        if name is None:
            continue
        counts[name] = count = counts.get(name, 0) + 1
        first = first_line + (token.map or [0])[0] + 1  # the fence's first body line
        try:
            data, lines = parse_yaml(token.content, path, first_line=first)
            if name == "diagram":
                diagram = validate(DiagramConfig, data or {}, lines, path, first_line=first)
                set_widget_html(token, _diagram(diagram, path, fence_line=first - 1))
                continue
            if name == "check":
                check = validate(CheckConfig, data or {}, lines, path, first_line=first)
                checks.append(Check(tuple(check.questions), first - 1))
                set_widget_html(token, CHECK_MARK)
                continue
            model = UnitsConfig if name == "unit-activations" else StepperConfig
            config = validate(model, data or {}, lines, path, first_line=first)
        except LessonFileError as exc:
            problems.extend(exc.problems)
            set_widget_html(token, "")
            continue
        widget_id = f"{raw.id}-{name}-{count}"
        set_widget_html(token, widget_placeholder(name, config.model_dump(), widget_id))
    return checks


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
        problems = [LessonProblem(path, fence_line, f"diagram {config.file} {p}") for p in found]
        raise LessonFileError(problems)
    return diagram_figure(svg, config.caption)


# Inline tokens whose text is read aloud; math, markup and code blocks are not.
_SPOKEN = {"text": "", "code_inline": "", "softbreak": "\n", "hardbreak": "\n"}


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in _SPOKEN:
            parts.append(child.content or _SPOKEN[child.type])
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))  # its alt text
    return "".join(parts)


def plain_text(tokens: list[Token]) -> str:
    """Return readable text of a section's tokens (for Listen): no code blocks, math or markup.

    Only inline tokens carry prose (paragraphs, headings, list items, table cells); fences,
    indented code and display math are block tokens of their own, so they are left out.
    """
    blocks = []
    for token in tokens:
        if token.type == "inline":
            lines = (
                re.sub(r"[ \t]+", " ", line).strip()
                for line in _inline_text(token.children or []).splitlines()
            )
            blocks.append("\n".join(line for line in lines if line))
    return "\n\n".join(block for block in blocks if block)
