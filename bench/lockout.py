"""How many password guesses one patient attacker gets against one account, by policy.

Run from the repository root:  .venv/bin/python bench/lockout.py

The attacker tries again the moment the policy allows (no known-device cookie). "before" is
the old rule (5 failures per 15-minute window, then refused until the oldest ages out; a
success by the owner used to reset it, which only helps the attacker and is not modelled);
"now" is app/accounts/limits.py with the default settings (account_delay, failures
remembered for a day). A model of the rule, not a load test: it shows the rates the numbers
in README's settings table lead to.
"""

from __future__ import annotations

from datetime import timedelta

from app.accounts.limits import LoginLimits, account_delay
from app.config import Settings

SETTINGS = Settings()
LIMITS = LoginLimits(
    per_account=SETTINGS.login_limit_per_account,
    per_client=SETTINGS.login_limit_per_client,
    window=timedelta(seconds=SETTINGS.login_window_seconds),
    first_delay=timedelta(seconds=SETTINGS.login_delay_seconds),
)
HOURS = (0.25, 1.0, 24.0, 168.0)


def guesses_now(seconds: float) -> int:
    """Return the guesses made in `seconds` under the current rule."""
    memory = max(LIMITS.memory, LIMITS.window).total_seconds()
    t, failures = 0.0, list[float]()
    while True:
        recent = [f for f in failures if f > t - memory]
        wait = account_delay(len(recent), LIMITS).total_seconds()
        if recent and wait:
            t = max(t, max(recent) + wait)
        if t >= seconds:
            return len(failures)
        failures.append(t)
        t += 0.001


def guesses_before(seconds: float, limit: int = 5, window: float = 900.0) -> int:
    """Return the guesses made in `seconds` under the old fixed-window rule."""
    t, failures = 0.0, list[float]()
    while True:
        recent = [f for f in failures if f > t - window]
        if len(recent) >= limit:
            t = min(recent) + window + 0.001
        if t >= seconds:
            return len(failures)
        failures.append(t)
        t += 0.001


def main() -> None:
    print("| time | guesses before | guesses now | per hour now |")
    print("|---:|---:|---:|---:|")
    for hours in HOURS:
        before, now = guesses_before(hours * 3600), guesses_now(hours * 3600)
        print(f"| {hours:g} h | {before} | {now} | {now / hours:.1f} |")


if __name__ == "__main__":
    main()
