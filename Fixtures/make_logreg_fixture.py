#!/usr/bin/env python3
"""scikit-learn reference for the `likelihood` and `logreg-ips` models (RecoGym's LogregPolyAgent and
LogregMulticlassIpsAgent): a small synthetic log in RecoGym's viewHistory layout (P = 4 products,
contexts [view counts (P), one-hot of the last viewed product (P)], uniform logging, propensity 1/P),
and the coefficients scikit-learn fits to it with C = 1.

- likelihood: LogisticRegression of click on [counts, one-hot action, counts (x) one-hot action]
  (cross feature index a * P + j = counts[j] * [action == a]), on every impression.
- logreg-ips: multinomial LogisticRegression of the action on the counts, sample_weight = click /
  propensity. The intercepts are defined up to a common shift: they are written centred (sum 0).

Both fits use lbfgs with a tight tolerance so the written coefficients are the optimum to ~1e-7.
Writes Fixtures/logreg_reference.json, read by Tests/RecoRLTests/LogisticBaselineTests.swift.
Run: python3 Fixtures/make_logreg_fixture.py   (tested with scikit-learn 1.9.1, NumPy 2.4.6)
"""
import json
import os

import numpy as np
from sklearn.linear_model import LogisticRegression

P = 4
ROWS = 1500


def main():
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 4, size=(ROWS, P)).astype(np.float64)
    last = np.array([rng.choice(np.flatnonzero(c)) if c.sum() > 0 else -1 for c in counts])
    actions = rng.integers(0, P, size=ROWS)
    propensity = np.full(ROWS, 1.0 / P)
    # Clicks: likelier for the most viewed product, plus a per-action offset.
    logits = -1.6 + 0.5 * counts[np.arange(ROWS), actions] - 0.15 * counts.sum(axis=1) + 0.2 * (actions - 1.5)
    clicks = (rng.random(ROWS) < 1 / (1 + np.exp(-logits))).astype(np.float64)

    onehot = np.eye(P)[actions]
    cross = (onehot[:, :, None] * counts[:, None, :]).reshape(ROWS, P * P)
    features = np.hstack([counts, onehot, cross])
    poly = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000).fit(features, clicks)

    ips = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000)
    ips.fit(counts, actions, sample_weight=clicks / propensity)
    assert list(ips.classes_) == list(range(P)), "every action must be clicked at least once"
    intercepts = ips.intercept_ - ips.intercept_.mean()

    contexts = np.hstack([counts, np.zeros((ROWS, P))])
    for i, v in enumerate(last):
        if v >= 0:
            contexts[i, P + v] = 1
    probe = contexts[:8]
    out = {
        "products": P,
        "contexts": contexts.tolist(),
        "actions": actions.tolist(),
        "propensities": propensity.tolist(),
        "clicks": clicks.tolist(),
        "likelihood": {"coefficients": poly.coef_[0].tolist() + [float(poly.intercept_[0])]},
        "logreg_ips": {
            "weights": np.hstack([ips.coef_, intercepts[:, None]]).tolist(),
            "probabilities": ips.predict_proba(probe[:, :P]).tolist(),
        },
        "probe_rows": 8,
        "sklearn": __import__("sklearn").__version__,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "logreg_reference.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print(f"wrote {path}: {int(clicks.sum())} clicks of {ROWS}")


if __name__ == "__main__":
    main()
