"""The abuse limits' domain errors (429 with Retry-After); `app/web/errors.py` maps them."""

from __future__ import annotations

from app.db.ratelimit import RateLimited

NUMBER_WORDS = {2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six"}


class AnswersLimited(RateLimited):
    """Too many quiz answers or dilemma responses from one student, guest or client."""

    message = "You are answering very fast. Wait a minute, then try again."


class EngineTimeLimited(RateLimited):
    """A client used up its engine CPU-seconds for the window."""

    message = (
        "You have used a lot of computing time in the last few minutes. Wait a little, "
        "then try again."
    )


class TrainingsRunning(RateLimited):
    """The client already runs as many training streams as it may."""

    def __init__(self, retry_after: int, running: int) -> None:
        if running == 1:
            self.message = "A training is already running from your browser; wait for it to finish."
        else:
            count = NUMBER_WORDS.get(running, str(running))
            self.message = (
                f"{count} trainings are already running from your browser; wait for one to finish."
            )
        super().__init__(retry_after)


class ServerBusy(RateLimited):
    """This server process runs as many training streams as it may."""

    message = "The server is busy training other networks. Try again in a few seconds."
