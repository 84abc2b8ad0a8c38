"""Regenerates beta_quantiles.json: RecoGym's CTR interval (the 2.5 %, 50 % and 97.5 % quantiles of
Beta(clicks + 1, impressions - clicks + 1)) from SciPy, for the ClickThroughRate tests.

    pip install scipy && python3 Fixtures/make_beta_quantiles.py
"""
import json
import os

from scipy.stats import beta

CASES = [(0, 0), (0, 10), (1, 1), (5, 100), (100, 200), (37, 4000), (3500, 375000), (11000, 375000)]

rows = []
for clicks, impressions in CASES:
    a, b = clicks + 1, impressions - clicks + 1
    rows.append({"clicks": clicks, "impressions": impressions,
                 "lower": beta.ppf(0.025, a, b), "median": beta.ppf(0.5, a, b), "upper": beta.ppf(0.975, a, b),
                 "cdf_at_rate": beta.cdf(clicks / impressions if impressions else 0.5, a, b)})

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "beta_quantiles.json"), "w") as f:
    json.dump(rows, f, indent=1)
