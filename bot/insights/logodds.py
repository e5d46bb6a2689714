"""Which names one side uses more than the other: the log-odds ratio with an informative
Dirichlet prior, and its z-score (Monroe, Colaresi and Quinn 2008, "Fightin' Words",
Political Analysis 16(4), eqs. 22 and 24).

For a name w counted y_i times among n_i on one side and y_j among n_j on the other,

    δ = log((y_i + α_w) / (n_i + α_0 − y_i − α_w)) − log((y_j + α_w) / (n_j + α_0 − y_j − α_w))
    σ² ≈ 1 / (y_i + α_w) + 1 / (y_j + α_w),   z = δ / σ

where the prior α_w is the name's count over both sides together, scaled by PRIOR_SHARE, and
α_0 the same over every name: the prior pulls each side towards what both said, so a name
counted twice on one side and never on the other is no surprise, while one counted in forty
of a side's articles against a tenth of that elsewhere is. Pure arithmetic: no store, no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# The prior is worth this share of the counts it is taken from (a tenth of the period's data).
PRIOR_SHARE = 0.1


@dataclass(frozen=True)
class LogOdds:
    """How much more (δ > 0) or less one side uses a name, in log-odds, and its z-score."""

    delta: float
    z: float


def log_odds(
    mine: int, others: int, mine_total: int, others_total: int, *, share: float = PRIOR_SHARE
) -> LogOdds:
    """The log-odds ratio of a name counted `mine` times among `mine_total` on one side and
    `others` among `others_total` on the other, against a prior of both sides pooled."""
    alpha = share * (mine + others)
    alpha_total = share * (mine_total + others_total)
    rest_mine = mine_total + alpha_total - mine - alpha
    rest_others = others_total + alpha_total - others - alpha
    if alpha <= 0 or rest_mine <= 0 or rest_others <= 0:
        # A name no one used, or the only name there is: nothing to compare.
        return LogOdds(0.0, 0.0)
    delta = math.log((mine + alpha) / rest_mine) - math.log((others + alpha) / rest_others)
    spread = math.sqrt(1 / (mine + alpha) + 1 / (others + alpha))
    return LogOdds(delta, delta / spread)
