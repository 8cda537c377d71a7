"""The `parade` command: serve the app, check lesson files, import seed-format lessons."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.config import get_settings
from app.content.errors import LessonFileError
from app.content.folder import DILEMMAS_FILE, LESSON_FILE, QUIZ_FILE
from app.content.seed import parse_seed, seed_slug, seed_to_markdown
from app.content.store import LessonStore
from app.content.yamlsrc import read_text

app = typer.Typer(help="Parade: interactive lessons on recurrent neural networks.",
                  no_args_is_help=True, add_completion=False)  # fmt: skip


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[
        bool, typer.Option(help="Restart when the code changes (development).")
    ] = False,
) -> None:
    """Serve the app (lessons from PARADE_LESSONS_DIR, data in PARADE_DATABASE_URL)."""
    import uvicorn

    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        reload_dirs=["app", "templates"] if reload else None,
    )


@app.command()
def check(
    lessons_dir: Annotated[
        Path | None, typer.Argument(help="Lessons folder (default: PARADE_LESSONS_DIR).")
    ] = None,
) -> None:
    """Validate every lesson; print `path:line: message` per problem; exit 1 on any."""
    root = lessons_dir or get_settings().lessons_dir
    if not root.is_dir():
        typer.echo(f"{root}: not a folder", err=True)
        raise typer.Exit(2)
    snapshot = LessonStore(root).reload()
    problems = snapshot.all_problems()
    for problem in problems:
        typer.echo(str(problem))
    n = len(snapshot.lessons)
    summary = (
        f"{n} lesson{'s' if n != 1 else ''} OK"
        if not problems
        else (f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    )
    typer.echo(summary, err=True)
    raise typer.Exit(1 if problems else 0)


@app.command("import-seed")
def import_seed(
    file: Annotated[
        Path, typer.Argument(help="A seed-format .txt lesson.", exists=True, dir_okay=False)
    ],  # fmt: skip
    out: Annotated[
        Path | None, typer.Option(help="Folder to write (default: lessons/SLUG).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing lesson folder.")] = False,
) -> None:
    """Turn a seed-format text file into a lesson folder to edit further."""
    try:
        seed = parse_seed(read_text(file), file)
    except LessonFileError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1) from None
    slug = seed_slug(file)
    folder = out or get_settings().lessons_dir / slug
    if (folder / LESSON_FILE).exists() and not force:
        typer.echo(f"{folder / LESSON_FILE} exists; pass --force to overwrite it", err=True)
        raise typer.Exit(1)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / LESSON_FILE).write_text(seed_to_markdown(seed, slug), encoding="utf-8")
    for name, key in ((QUIZ_FILE, "questions"), (DILEMMAS_FILE, "dilemmas")):
        if not (folder / name).exists() or force:
            (folder / name).write_text(f"{key}: []\n", encoding="utf-8")
    typer.echo(f"wrote {folder}/ ({LESSON_FILE}, {QUIZ_FILE}, {DILEMMAS_FILE})")


if __name__ == "__main__":
    app()
