"""Model-based customer value: BG/NBD or MBG/NBD purchases × Gamma-Gamma spend.

Fitted models are small frozen parameter objects; predictions are pure functions of
them. The usual entry point is :func:`predict_clv` (order lines → per-customer
P(alive), expected purchases, expected spend, CLV and value at risk).

References: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way",
Marketing Science 24(2); Batislam, Denizel & Filiztekin (2007), "Empirical
validation and comparison of models for customer base analysis", IJRM 24(3);
Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (note).
"""

from kunde_cli.analytics.clv.bgnbd import (
    MODEL_BGNBD,
    MODEL_MBGNBD,
    MODELS,
    BgNbdParams,
    conditional_expected_purchases,
    expected_purchases,
    fit_bgnbd,
    fit_purchase_model,
    p_alive,
)
from kunde_cli.analytics.clv.gamma_gamma import (
    GammaGammaParams,
    expected_average_spend,
    fit_gamma_gamma,
    fit_spend_model,
)
from kunde_cli.analytics.clv.mbgnbd import fit_mbgnbd
from kunde_cli.analytics.clv.predict import (
    EXPECTED_PURCHASES,
    EXPECTED_SPEND,
    P_ALIVE,
    PREDICTED_CLV,
    VALUE_AT_RISK,
    ClvResult,
    holdout_comparison,
    predict_clv,
    predict_customers,
    predict_purchases,
)
from kunde_cli.analytics.clv.summary import (
    MEAN_REPEAT_SPEND,
    REPEAT_PURCHASES,
    T_AGE,
    T_X,
    rfm_summary,
)
from kunde_cli.analytics.clv.trust import TrustCheck, model_trust, trust_checks

__all__ = [
    "EXPECTED_PURCHASES",
    "EXPECTED_SPEND",
    "MEAN_REPEAT_SPEND",
    "MODELS",
    "MODEL_BGNBD",
    "MODEL_MBGNBD",
    "PREDICTED_CLV",
    "P_ALIVE",
    "REPEAT_PURCHASES",
    "T_AGE",
    "T_X",
    "VALUE_AT_RISK",
    "BgNbdParams",
    "ClvResult",
    "GammaGammaParams",
    "TrustCheck",
    "conditional_expected_purchases",
    "expected_average_spend",
    "expected_purchases",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_mbgnbd",
    "fit_purchase_model",
    "fit_spend_model",
    "holdout_comparison",
    "model_trust",
    "p_alive",
    "predict_clv",
    "predict_customers",
    "predict_purchases",
    "rfm_summary",
    "trust_checks",
]
