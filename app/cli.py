"""The `parade` command: serve the app, check lesson files, import seed-format lessons."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from app.config import get_settings
from app.content.errors import LessonFileError
from app.content.folder import DILEMMAS_FILE, LESSON_FILE, QUIZ_FILE
from app.content.seed import parse_seed, seed_slug, seed_to_markdown
from app.content.store import LessonStore
from app.content.yamlsrc import read_text

app = typer.Typer(
    help="Parade: interactive lessons on recurrent neural networks.",
    no_args_is_help=True,
    add_completion=False,
)


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
    ],
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


# --- database and accounts ----------------------------------------------------------------------

db_app = typer.Typer(help="The database: schema migrations.", no_args_is_help=True)
user_app = typer.Typer(help="Accounts: add students and instructors.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Bring the database in PARADE_DATABASE_URL up to date (the server also does this)."""
    from app.db.migrate import current_revision, upgrade

    url = get_settings().database_url
    upgrade(url, revision)
    typer.echo(f"database at revision {current_revision(url)}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's schema revision."""
    from app.db.migrate import current_revision

    typer.echo(current_revision(get_settings().database_url) or "empty (no schema yet)")


def _read_password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Username: 3-32 letters, digits, . - _")],
    instructor: Annotated[bool, typer.Option(help="Give the account the instructor role.")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account (the password is asked for, or read from stdin)."""
    from app.accounts.users import create_user
    from app.db.database import Database
    from app.db.migrate import upgrade
    from app.errors import DomainError

    password = _read_password(password_stdin or not sys.stdin.isatty())
    url = get_settings().database_url
    upgrade(url)
    database = Database.from_url(url)
    try:
        with database.session(write=True) as session:
            user = create_user(
                session,
                username=name,
                password=password,
                role="instructor" if instructor else "student",
            )
            typer.echo(f"created {user.role} {user.username}")
    except DomainError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    finally:
        database.dispose()


if __name__ == "__main__":
    app()
