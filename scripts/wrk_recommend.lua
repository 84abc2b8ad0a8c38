-- wrk script for `make serve-load`: POST /v1/recommend with one valid marketing observation (the 11
-- values of docs/marketing.md: ten scaled features and the share of the campaign used), as JSON.
wrk.method = "POST"
wrk.path = "/v1/recommend"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"features": [0.17, 0.15, 0.4, 0.78, 1, 0, 0.87, 0.12, 0.05, 0.04, 0], "user": "wrk"}'
