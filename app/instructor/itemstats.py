"""Item-analysis formulas, as Moodle's quiz statistics report defines them; pure NumPy.

Notation, for one item (question) over the n students who tried it:
    x   (n,)  each student's score on the item, 0..1 (the maximum is 1)
    y   (n,)  each student's rest-of-lesson score: the sum of their other items' scores
    x̄, ȳ      their means
Variances and covariances divide by n - 1, as Moodle's do.

Every function returns None where the statistic is undefined (too few students, scores that
do not vary), never NaN or inf: a page or a JSON body shows None as "not enough data".
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

Vector = NDArray[np.float64]

# A variance or covariance this small is zero up to rounding (scores are multiples of
# 1/4 or 1/12 stored in float64): dividing by it would give noise, not a statistic.
ZERO = 1e-12
# Two points always lie on a line: their correlation is ±1 whatever the item, so the
# correlation-based statistics wait for a third student.
MIN_FOR_CORRELATION = 3


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def facility(x: Vector) -> float | None:
    """Return the facility index F = x̄ / max = mean score (max = 1); None for n = 0."""
    (n,) = x.shape
    if n == 0:
        return None
    return _finite(float(x.mean()))


def standard_deviation(x: Vector) -> float | None:
    """Return the sample standard deviation s_x = sqrt(Σ (x - x̄)² / (n - 1)); None for
    n < 2."""
    (n,) = x.shape
    if n < 2:
        return None
    return _finite(float(np.sqrt(((x - x.mean()) ** 2).sum() / (n - 1))))


def covariance(x: Vector, y: Vector) -> float | None:
    """Return C(x, y) = Σ (x - x̄)(y - ȳ) / (n - 1); None for n < 2."""
    (n,) = x.shape
    if n < 2:
        return None
    return _finite(float(((x - x.mean()) * (y - y.mean())).sum() / (n - 1)))


def max_covariance(x: Vector, y: Vector) -> float | None:
    """Return C_max(x, y) = Σ (x_(k) - x̄)(y_(k) - ȳ) / (n - 1), x_(k) and y_(k) each sorted
    ascending: the largest covariance any pairing of these two sets of scores can reach
    (the rearrangement inequality), Moodle's `covariancemax`; None for n < 2."""
    return covariance(np.sort(x), np.sort(y))


def discrimination_index(x: Vector, y: Vector) -> float | None:
    """Return Pearson's r = C(x, y) / (s_x s_y), the correlation of the item score with the
    rest score, in -1..1; None for n < 3 or when either does not vary."""
    if x.shape[0] < MIN_FOR_CORRELATION:
        return None
    c, c_xx, c_yy = covariance(x, y), covariance(x, x), covariance(y, y)
    if c is None or c_xx is None or c_yy is None or c_xx <= ZERO or c_yy <= ZERO:
        return None
    r = _finite(c / math.sqrt(c_xx * c_yy))
    return None if r is None else min(1.0, max(-1.0, r))


def discriminative_efficiency(x: Vector, y: Vector) -> float | None:
    """Return DE = C(x, y) / C_max(x, y): the discrimination reached as a share of the most
    these score distributions allow (Moodle shows it ×100 as a percentage); None for n < 3
    or when C_max is zero (either score constant)."""
    if x.shape[0] < MIN_FOR_CORRELATION:
        return None
    c, c_max = covariance(x, y), max_covariance(x, y)
    if c is None or c_max is None or c_max <= ZERO:
        return None
    return _finite(c / c_max)
