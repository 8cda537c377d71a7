"""The `parade` command: serve the app, check lesson files, import seed-format lessons,
manage the database and accounts, export scores."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from app.config import get_settings
from app.content.errors import LessonFileError
from app.content.folder import DILEMMAS_FILE, LESSON_FILE, QUIZ_FILE
from app.content.seed import parse_seed, seed_slug, seed_to_markdown
from app.content.store import LessonStore
from app.content.yamlsrc import read_text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

app = typer.Typer(
    help="Parade: interactive lessons on recurrent neural networks.",
    no_args_is_help=True,
    add_completion=False,
)


# An idle connection is kept longer than clients keep theirs (Caddy's proxy: 2 minutes;
# httpx: 5 s), so the client always closes first. With uvicorn's 5 s, a request sent just as
# the server closed the connection was lost: the proxy answers 502, and a POST is not retried.
KEEP_ALIVE_SECONDS = 130


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
        # The app reads X-Forwarded-For itself, only from PARADE_TRUSTED_PROXIES
        # (app/web/clients.py); uvicorn's own reading trusts any local peer.
        proxy_headers=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


@app.command()
def check(
    lessons_dir: Annotated[
        Path | None, typer.Argument(help="Lessons folder (default: PARADE_LESSONS_DIR).")
    ] = None,
) -> None:
    """Validate every lesson and shipped network; print `path:line: message` (or `path:
    message`) per problem; exit 1 on any."""
    root = lessons_dir or get_settings().lessons_dir
    if not root.is_dir():
        typer.echo(f"{root}: not a folder", err=True)
        raise typer.Exit(2)
    from threadpoolctl import threadpool_limits

    from app.lab.shipped import check_networks

    threadpool_limits(1, user_api="blas")  # the network probes run the engine
    snapshot = LessonStore(root).reload()
    problems = [*map(str, snapshot.all_problems()), *map(str, check_networks(root))]
    for problem in problems:
        typer.echo(problem)
    n = len(snapshot.lessons)
    summary = (
        f"{n} lesson{'s' if n != 1 else ''} OK"
        if not problems
        else (f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    )
    typer.echo(summary, err=True)
    raise typer.Exit(1 if problems else 0)


@app.command()
def train(
    out: Annotated[
        Path | None,
        typer.Option(help="Folder to write (default: LESSONS/rnn-generation/networks)."),
    ] = None,
    seed: Annotated[
        list[int] | None, typer.Option(help="A seed to try (repeat it); the best is kept.")
    ] = None,
    steps: Annotated[int, typer.Option(min=1, max=20_000, help="Adam steps per seed.")] = 4000,
    hidden_size: Annotated[int, typer.Option(min=1, max=64, help="LSTM units.")] = 64,
    jobs: Annotated[int, typer.Option(min=1, help="Seeds trained at once (processes).")] = 1,
    from_corpus: Annotated[
        bool, typer.Option(help="Train on the folder's corpus.txt instead of the lessons.")
    ] = False,
) -> None:
    """Train the character-level LSTM shipped with the generation lesson (on the course's own
    text; same options, same files) and write corpus.txt, char-lstm.npz and char-lstm.json."""
    import time

    from threadpoolctl import threadpool_limits

    from app.lab.charnet import CharnetConfig, train_network, write_network
    from app.lab.corpus import build_corpus

    threadpool_limits(1, user_api="blas")
    lessons_dir = get_settings().lessons_dir
    folder = out or lessons_dir / "rnn-generation" / "networks"
    if from_corpus:
        corpus = (folder / "corpus.txt").read_text(encoding="utf-8").rstrip("\n")
    else:
        corpus = build_corpus(lessons_dir)
    config = CharnetConfig(hidden_size=hidden_size, steps=steps)
    seeds = seed or [0, 1, 2]
    typer.echo(f"corpus: {len(corpus)} characters; seeds {seeds}, {steps} steps each", err=True)
    started = time.perf_counter()
    best, info = train_network(config, corpus, seeds, jobs=jobs)
    write_network(folder, "char-lstm", corpus, best.params, info)
    for s in info["seeds"]:
        typer.echo(f"seed {s['seed']}: held-out loss {s['heldout_loss']:.4f}")
    unit = info["unit"]
    typer.echo(
        f"kept seed {info['seed']}: held-out loss {info['heldout']['loss']:.4f} nats/char "
        f"(perplexity {info['heldout']['perplexity']:.2f}); unit {unit['unit']} tracks "
        f"{unit['feature']} (r = {unit['r']:+.3f})"
    )
    typer.echo(f"wrote {folder}/ in {time.perf_counter() - started:.1f} s")


@app.command("import-seed")
def import_seed(
    file: Annotated[
        Path, typer.Argument(help="A seed-format .txt lesson.", exists=True, dir_okay=False)
    ],
    out: Annotated[
        Path | None, typer.Option(help="Folder to write (default: lessons/SLUG).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing lesson folder.")] = False,
    move: Annotated[
        bool, typer.Option(help="Delete the .txt once the folder is written (it is replaced).")
    ] = False,
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
    if move:
        file.unlink()
        typer.echo(f"removed {file}: the folder replaces it")
    elif file.resolve().parent == get_settings().lessons_dir.resolve():
        # Both would be served as the same lesson: `parade check` reports the duplicate slug.
        typer.echo(
            f"{file} is still in the lessons folder, where it is the same lesson ({slug}) "
            "as the new folder: delete it, or import with --move next time.",
            err=True,
        )


# --- database and accounts ----------------------------------------------------------------------

db_app = typer.Typer(
    help="The database: schema migrations, backup and restore.", no_args_is_help=True
)
user_app = typer.Typer(
    help="Accounts: add students and instructors, change roles, reset passwords.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
scores_app = typer.Typer(
    help="Scores: export a lesson's gradebook and answers.", no_args_is_help=True
)
app.add_typer(scores_app, name="scores")


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


@db_app.command("backup")
def db_backup(
    target: Annotated[Path, typer.Argument(help="The backup file to write (must not exist).")],
) -> None:
    """Copy the database to a file, safely while the server runs (SQLite: its online backup;
    PostgreSQL: pg_dump's custom format)."""
    from app.db.backup import BackupFailed, backup

    try:
        backup(get_settings().database_url, target)
    except BackupFailed as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {target}")


@db_app.command("restore")
def db_restore(
    source: Annotated[Path, typer.Argument(help="A file written by `parade db backup`.")],
    replace: Annotated[
        bool, typer.Option(help="Replace the data the database holds now (else refuse).")
    ] = False,
) -> None:
    """Put a backup back into the database in PARADE_DATABASE_URL (stop the server first)."""
    from app.db.backup import BackupFailed, has_schema, restore
    from app.db.migrate import current_revision, upgrade

    url = get_settings().database_url
    if has_schema(url) and not replace:
        typer.echo(
            "The database holds data already: restoring replaces all of it. "
            "Run again with --replace if that is what you want.",
            err=True,
        )
        raise typer.Exit(2)
    try:
        restore(url, source)
    except BackupFailed as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2) from None
    upgrade(url)  # a backup from an older version gets the newer tables
    typer.echo(f"restored {source}; database at revision {current_revision(url)}")


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


@scores_app.command("export")
def scores_export(
    lesson: Annotated[
        str | None, typer.Option(help="The lesson's slug (not for --what course).")
    ] = None,
    what: Annotated[
        str,
        typer.Option(
            help="gradebook (a lesson: one row per student), attempts, dilemmas, or course "
            "(one row per student, one column per lesson)."
        ),
    ] = "gradebook",
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="File to write (default: standard output).")
    ] = None,
) -> None:
    """Write the course gradebook, or one lesson's gradebook, every try or every dilemma
    response, as CSV."""
    from threadpoolctl import threadpool_limits

    from app.db.database import Database
    from app.db.migrate import upgrade
    from app.instructor.export import WHATS, What, course_table, csv_chunks, lesson_table

    settings = get_settings()
    # As in a server process: regrading engine questions runs small matrices.
    threadpool_limits(settings.blas_threads, user_api="blas")
    if what not in (*WHATS, "course"):
        typer.echo(f"--what must be one of: {', '.join(WHATS)}, course (not {what!r})", err=True)
        raise typer.Exit(2)
    store = LessonStore(settings.lessons_dir).reload()
    lessons = store.lessons
    found = lessons.get(lesson) if lesson is not None else None
    if what == "course" and lesson is not None:
        typer.echo("--what course covers every lesson: leave out --lesson", err=True)
        raise typer.Exit(2)
    if what != "course" and found is None:
        known = ", ".join(sorted(lessons)) or "none"
        said = "--lesson is needed" if lesson is None else f"No lesson called {lesson!r}"
        typer.echo(f"{said} (lessons: {known})", err=True)
        raise typer.Exit(2)
    upgrade(settings.database_url)  # as `user add` does: a new database gets its tables
    database = Database.from_url(settings.database_url)
    try:
        with database.session(write=False) as session:
            if found is None:
                table = course_table(session, course=store.ordered())
            else:
                kind = cast("What", what)  # checked against WHATS above
                table = lesson_table(session, what=kind, lesson=found, lessons=lessons)
            if out is None:
                for chunk in csv_chunks(table.header, table.rows):
                    sys.stdout.write(chunk)
            else:
                with out.open("w", encoding="utf-8", newline="") as f:
                    for chunk in csv_chunks(table.header, table.rows):
                        f.write(chunk)
                typer.echo(f"wrote {out}", err=True)
    finally:
        database.dispose()


class RoleName(StrEnum):
    student = "student"
    instructor = "instructor"


@contextmanager
def _accounts_db() -> Iterator[Session]:
    """Yield a write session on the up-to-date database in PARADE_DATABASE_URL."""
    from app.db.database import Database
    from app.db.migrate import upgrade

    url = get_settings().database_url
    upgrade(url)
    database = Database.from_url(url)
    try:
        with database.session(write=True) as session:
            yield session
    finally:
        database.dispose()


def _no_such_user(name: str) -> typer.Exit:
    """Return the exit (code 2) for a username that matches no account, having said so."""
    typer.echo(
        f"There is no user called {name!r}. Check the spelling, or add one with `parade user add`.",
        err=True,
    )
    return typer.Exit(2)


@user_app.command("set-role")
def user_set_role(
    name: Annotated[str, typer.Argument(help="The user's username.")],
    role: Annotated[RoleName, typer.Argument(help="student or instructor.")],
) -> None:
    """Make a user a student or an instructor (takes effect on their next request)."""
    from app.accounts.users import set_role

    with _accounts_db() as session:
        try:
            set_role(session, username=name, role=role.value)
        except LookupError:
            raise _no_such_user(name) from None
    article = "an" if role is RoleName.instructor else "a"
    typer.echo(f"{name.strip().lower()} is now {article} {role.value}")


@user_app.command("reset-password")
def user_reset_password(
    name: Annotated[str, typer.Argument(help="The user's username.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from standard input.")
    ] = False,
) -> None:
    """Set a user's password (asked for twice, or read from stdin); all their sessions end."""
    from app.accounts.passwords import WeakPassword
    from app.accounts.users import set_password

    password = _read_password(password_stdin or not sys.stdin.isatty())
    with _accounts_db() as session:
        try:
            set_password(session, username=name, password=password)
        except LookupError:
            raise _no_such_user(name) from None
        except WeakPassword as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
    typer.echo(f"password of {name.strip().lower()} changed; their sessions are ended")


if __name__ == "__main__":
    app()
