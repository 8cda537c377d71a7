"""Pydantic schema of lesson files: front matter, quiz questions, dilemmas and widgets.

These are the *author's* models: they hold answers, feedback and commentary, and must never be
sent to a student as they are. The student view lives in `app/lessons/views.py`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        max_length=64,
        description="Stable id: lowercase letters, digits, - and _. Scores are keyed by it.",
    ),
]
Text = Annotated[str, Field(min_length=1, max_length=4000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FrontMatter(Strict):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    slug: Id
    order: int = 100
    summary: Annotated[str, Field(max_length=500)] = ""
    invitation: Annotated[str, Field(max_length=200)] = Field(
        default="", description='A call to action under the title, e.g. "Listen to the answer".'
    )
    narrated: list[Id] = Field(default_factory=list, description="Section ids that Listen reads.")
    spoken: Annotated[str, Field(max_length=12000)] = Field(
        default="",
        description="A summary of the lesson written for the ear: shown first, and read first "
        "by Listen. Plain sentences; a blank line starts a new paragraph.",
    )
    say: dict[
        Annotated[str, Field(min_length=1, max_length=500)],
        Annotated[str, Field(min_length=1, max_length=500)],
    ] = Field(
        default_factory=dict,
        description="How Listen says a formula: its LaTeX, as written between $ signs, "
        "to the words (else Listen reads the LaTeX out symbol by symbol).",
    )


# --- quiz -------------------------------------------------------------------------------------


class Choice(Strict):
    id: Id
    text: Text
    correct: bool = False
    feedback: Text | None = None
    misconception: Text | None = None


class QuestionBase(Strict):
    id: Id
    prompt: Text
    explanation: Text
    hints: list[Text] = Field(default_factory=list)
    attempts: Annotated[int, Field(ge=1, le=10)] = 3
    points: list[Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=lambda: [1.0, 0.5, 0.25],
        description="Share of the points earned on the 1st, 2nd, ... try (the last repeats).",
    )


def _check_choices(choices: list[Choice]) -> list[Choice]:
    _unique([c.id for c in choices], "option")
    missing = [c.id for c in choices if not c.correct and not c.feedback]
    if missing:
        raise ValueError(f"wrong options need feedback naming the misconception: {missing}")
    return choices


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate {what} id {i!r}")
        seen.add(i)


class SingleQuestion(QuestionBase):
    type: Literal["single"]
    options: Annotated[list[Choice], Field(min_length=2, max_length=12)]

    @field_validator("options")
    @classmethod
    def _one_correct(cls, options: list[Choice]) -> list[Choice]:
        if sum(c.correct for c in options) != 1:
            raise ValueError("a 'single' question needs exactly one correct option")
        return _check_choices(options)


class MultipleQuestion(QuestionBase):
    type: Literal["multiple"]
    options: Annotated[list[Choice], Field(min_length=2, max_length=12)]

    @field_validator("options")
    @classmethod
    def _some_correct(cls, options: list[Choice]) -> list[Choice]:
        if not any(c.correct for c in options):
            raise ValueError("a 'multiple' question needs at least one correct option")
        return _check_choices(options)


class TrueFalseQuestion(QuestionBase):
    type: Literal["true_false"]
    answer: bool
    feedback: Text = Field(description="Shown to a student who answers wrongly.")
    misconception: Text | None = None


class NumericMistake(Strict):
    """A wrong value students often give, with feedback naming the slip behind it."""

    value: float
    feedback: Text
    misconception: Text | None = None


class NumericQuestion(QuestionBase):
    type: Literal["numeric"]
    answer: float
    tolerance: Annotated[float, Field(ge=0)] = 0.0
    rel_tolerance: Annotated[float, Field(ge=0, le=1)] = 0.0
    unit: Annotated[str, Field(max_length=40)] = ""
    mistakes: list[NumericMistake] = Field(default_factory=list)
    feedback: Text = Field(description="Shown for a wrong value that matches no known mistake.")


class OrderItem(Strict):
    id: Id
    text: Text


class OrderingQuestion(QuestionBase):
    """Items are written in the correct order; students see them shuffled."""

    type: Literal["ordering"]
    items: Annotated[list[OrderItem], Field(min_length=2, max_length=12)]
    feedback: Text = Field(description="Shown for a wrong order.")

    @field_validator("items")
    @classmethod
    def _unique_items(cls, items: list[OrderItem]) -> list[OrderItem]:
        _unique([i.id for i in items], "item")
        return items


class TextQuestion(QuestionBase):
    type: Literal["text"]
    accept: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=200)]], Field(min_length=1)
    ]
    case_sensitive: bool = False
    feedback: Text


class EngineQuestion(QuestionBase):
    """Numbers made by the server for each student: a small tanh RNN with its own weights,
    x_1 and h_0; the student computes h_1. Graded by recomputing it within `tolerance`."""

    type: Literal["engine"]
    task: Literal["rnn_h1"] = "rnn_h1"
    hidden_size: Annotated[int, Field(ge=1, le=4)] = 2
    input_size: Annotated[int, Field(ge=1, le=4)] = 2
    tolerance: Annotated[float, Field(gt=0, le=1)] = 0.01
    feedback: Text = Field(description="Shown for a wrong answer that matches no known slip.")


Question = Annotated[
    SingleQuestion
    | MultipleQuestion
    | TrueFalseQuestion
    | NumericQuestion
    | OrderingQuestion
    | TextQuestion
    | EngineQuestion,
    Field(discriminator="type"),
]


class QuizFile(Strict):
    """Question ids must be unique: the loader checks that, pointing at the repeated line."""

    questions: list[Question] = Field(default_factory=list)


# --- dilemmas ---------------------------------------------------------------------------------


class Tradeoffs(Strict):
    gains: list[Text] = Field(default_factory=list)
    costs: list[Text] = Field(default_factory=list)


class DilemmaOption(Strict):
    id: Id
    text: Text
    tradeoffs: Tradeoffs


class Dilemma(Strict):
    id: Id
    title: Annotated[str, Field(min_length=1, max_length=200)]
    prompt: Text
    options: Annotated[list[DilemmaOption], Field(min_length=2, max_length=8)]
    commentary: Text
    ask_reason: bool = True

    @field_validator("options")
    @classmethod
    def _unique_options(cls, options: list[DilemmaOption]) -> list[DilemmaOption]:
        _unique([o.id for o in options], "option")
        return options


class DilemmasFile(Strict):
    """Dilemma ids must be unique: the loader checks that, pointing at the repeated line."""

    dilemmas: list[Dilemma] = Field(default_factory=list)


# --- widgets ----------------------------------------------------------------------------------

Cell = Literal["rnn", "lstm", "gru"]
Control = Literal[
    "cell",
    "hidden_size",
    "weight_scale",
    "memory_bias",
    "input",
    "seed",
    "fork",
    "predict",
    "lanes",
]


class StepperConfig(Strict):
    """The YAML body of an `rnn-stepper` fenced block in lesson.md."""

    cell: Cell = "rnn"
    hidden_size: Annotated[int, Field(ge=1, le=64)] = 4
    input: Annotated[str, Field(min_length=1, max_length=200)] = "hello"
    weight_scale: Annotated[float, Field(ge=0, le=10)] = 1.0
    memory_bias: Annotated[float, Field(ge=-5, le=5)] = 0.0  # LSTM forget / GRU update gate bias
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    view: Literal["stepper", "parade", "train"] = "stepper"
    locked: list[Control] = Field(default_factory=list)
    hidden: list[Control] = Field(default_factory=list)
    caption: Annotated[str, Field(max_length=500)] = ""


class UnitsConfig(Strict):
    """The YAML body of a `unit-activations` fenced block: a shipped network's units, shown
    on text the student types."""

    network: Annotated[
        str,
        Field(
            pattern=r"^[a-z0-9][a-z0-9-]{0,63}/[a-z0-9][a-z0-9-]{0,63}$",
            description="The shipped network, LESSON/NAME (LESSON/networks/NAME.npz).",
        ),
    ]
    unit: Annotated[int, Field(ge=0, lt=64)] | None = Field(
        default=None,
        description="The unit shown first (default: the one the network's description chose).",
    )
    text: Annotated[str, Field(min_length=1, max_length=200)] = (
        'the parade (a long one) went by, and "the last float" was the best.'
    )
    caption: Annotated[str, Field(max_length=500)] = ""


class CheckConfig(Strict):
    """The YAML body of a `check` fenced block: quiz questions asked at that place."""

    questions: Annotated[list[Id], Field(min_length=1, max_length=10)]


class DiagramConfig(Strict):
    """The YAML body of a `diagram` fenced block: an SVG file in the lesson folder."""

    file: Annotated[
        str,
        Field(
            pattern=r"^(?:[a-z0-9_-]+/)*[a-z0-9_-]+\.svg$",
            max_length=200,
            description="Path inside the lesson folder, such as diagrams/lstm-cell.svg.",
        ),
    ]
    caption: Annotated[str, Field(max_length=500)] = ""
