import Hummingbird

/// The service's OpenAPI 3.0.3 document, served at `GET /openapi.yaml` (`application/yaml`).
///
/// It describes what the service does, checked by `make serve-schemathesis` (schemathesis: no 5xx,
/// documented statuses, content types and response schemas): request bodies are decoded by
/// `JSONDecoder`, which ignores unknown keys, so request schemas allow additional properties; response
/// bodies are written from fixed structs, so response schemas do not. Every 4xx carries the JSON error
/// body of `ServingError`. Keep it in step with `DecisionService.makeRouter`.
public enum OpenAPIDocument {
    /// The media type it is served as.
    public static let contentType = "application/yaml"

    /// `document` as the response of `GET /openapi.yaml`.
    static func response(_ document: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: document)))
    }

    /// The document of a service whose policies take `observationWidth` features (the exact length of
    /// `features`) and choose among `actionCount` actions (the largest `slate`), so a client generated
    /// from it sends valid requests.
    public static func yaml(observationWidth: Int, actionCount: Int) -> String {
        template.replacingOccurrences(of: "OBSERVATION_WIDTH", with: "\(observationWidth)")
            .replacingOccurrences(of: "ACTION_COUNT", with: "\(actionCount)")
    }

    /// The document, with `OBSERVATION_WIDTH` and `ACTION_COUNT` where the served sizes go.
    private static let template = #"""
openapi: 3.0.3
info:
  title: recorl serve
  version: "1"
  description: >-
    Decisions of a saved RecoRL policy over HTTP (`recorl serve`): a recommendation per observation,
    the reward joined to it within a feedback window, a safe fallback policy, policy versions rolled out
    gradually, Prometheus metrics. Request bodies are JSON objects; unknown keys in them are ignored.
    Every 4xx (and the rare 5xx) is answered with the JSON error body `Error`, naming the field at
    fault, the value sent and what was expected. A request to an unknown route (or with a method the
    route does not take) is a 404 with that body. Bodies over 64 KiB are a 413.
servers:
  - url: /
paths:
  /v1/recommend:
    post:
      operationId: recommend
      summary: One decision for one observation.
      description: >-
        The policy acts on `features` (the environment's observation). The production policy answers
        unless it throws or misses the latency budget, in which case the fallback answers
        (`policy: fallback`); during a roll-out the candidate answers its share of the users (by a
        stable hash of `user`; `policy: candidate`), and the fallback answers its holdout share. Keep
        `eventId` to send the reward to `POST /v1/feedback`.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/RecommendRequest'
            example:
              features: [0.17, 0.15, 0.4, 0.78, 1, 0, 0.87, 0.12, 0.05, 0.04, 0]
              user: user-42
              explain: true
      responses:
        '200':
          description: The decision.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/RecommendResponse'
        '400':
          $ref: '#/components/responses/BadRequest'
        '413':
          $ref: '#/components/responses/ContentTooLarge'
        '422':
          description: >-
            `features` has not the policy's observation width (`field: features`), or an entry is not
            finite as a 32-bit float (`"NaN"`, `"Infinity"`, `"-Infinity"` or a magnitude over 3.4e38;
            `field: features[i]`), or `slate` is not 1 to the number of actions (`field: slate`).
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'
        '500':
          description: The fallback policy itself failed (never for bad input).
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'
        '503':
          $ref: '#/components/responses/LogUnavailable'
  /v1/feedback:
    post:
      operationId: feedback
      summary: The reward observed for a decision.
      description: >-
        Joins `reward` to the decision `eventId` while its feedback window is open. A decision whose
        window closes without feedback gets the default reward.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/FeedbackRequest'
            example:
              eventId: 8b1f2c9e-4d0a-4e55-9a51-1f0c2d3e4f50
              reward: 1
      responses:
        '200':
          description: The reward was joined to its decision.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/FeedbackResponse'
        '400':
          $ref: '#/components/responses/BadRequest'
        '404':
          description: 'No decision with this `eventId` is pending or remembered (`field: eventId`).'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'
        '409':
          description: >-
            The decision's window has closed (it was given the default reward) or it already has its
            feedback (`field: eventId`).
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'
        '413':
          $ref: '#/components/responses/ContentTooLarge'
        '503':
          $ref: '#/components/responses/LogUnavailable'
        '422':
          description: '`reward` is not finite (`"NaN"`, `"Infinity"`, `"-Infinity"`; `field: reward`).'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'
  /v1/policies:
    get:
      operationId: listPolicies
      summary: The policy versions the service knows, with their share of traffic and online rewards.
      responses:
        '200':
          description: Every version, the production policy first.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [policies]
                properties:
                  policies:
                    type: array
                    items:
                      $ref: '#/components/schemas/PolicyEntry'
    post:
      operationId: addCandidate
      summary: Starts rolling out a checkpoint as the candidate, answering `share` of the decisions.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/CandidateRequest'
            example:
              checkpoint: runs/next/checkpoint.safetensors
              share: 0.1
      responses:
        '201':
          description: The candidate's entry.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/PolicyEntry'
        '400':
          $ref: '#/components/responses/BadRequest'
        '404':
          description: 'No file at `checkpoint` (`field: checkpoint`).'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'
        '409':
          description: A candidate is already rolling out (promote or roll it back first).
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'
        '413':
          $ref: '#/components/responses/ContentTooLarge'
        '422':
          description: >-
            The checkpoint does not fit the served environment (observations or actions), cannot be
            read as a checkpoint, or `share` is not in (0, 1].
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'
  /v1/policies/{version}:
    patch:
      operationId: setShare
      summary: Changes the candidate's share of the decisions.
      parameters:
        - $ref: '#/components/parameters/Version'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/ShareRequest'
            example:
              share: 0.5
      responses:
        '200':
          description: The candidate's entry with its new share.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/PolicyEntry'
        '400':
          $ref: '#/components/responses/BadRequest'
        '404':
          $ref: '#/components/responses/UnknownVersion'
        '409':
          $ref: '#/components/responses/NotCandidate'
        '413':
          $ref: '#/components/responses/ContentTooLarge'
        '422':
          description: '`share` is not in (0, 1] (`field: share`).'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'
  /v1/policies/{version}/promote:
    post:
      operationId: promote
      summary: Makes the candidate the production policy (the previous one is retired).
      parameters:
        - $ref: '#/components/parameters/Version'
      responses:
        '200':
          description: The promoted policy's entry.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/PolicyEntry'
        '404':
          $ref: '#/components/responses/UnknownVersion'
        '409':
          $ref: '#/components/responses/NotCandidate'
  /v1/policies/{version}/rollback:
    post:
      operationId: rollback
      summary: >-
        Stops the candidate's roll-out (it is retired), or returns production to the version it replaced.
      parameters:
        - $ref: '#/components/parameters/Version'
      responses:
        '200':
          description: The retired candidate's entry.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/PolicyEntry'
        '404':
          $ref: '#/components/responses/UnknownVersion'
        '409':
          $ref: '#/components/responses/NotCandidate'
  /healthz:
    get:
      operationId: health
      summary: Liveness.
      responses:
        '200':
          description: The service is up.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [status]
                properties:
                  status:
                    type: string
                    enum: [ok]
  /metrics:
    get:
      operationId: metrics
      summary: Prometheus metrics in the text exposition format (version 0.0.4).
      description: >-
        recorl_serve_requests_total{endpoint,status}, recorl_serve_request_duration_seconds{endpoint}
        (histogram), recorl_serve_fallbacks_total{reason}, recorl_serve_feedback_total{outcome},
        recorl_serve_rewards_total{policy}, recorl_serve_mean_reward{policy}.
      responses:
        '200':
          description: The metrics.
          content:
            text/plain:
              schema:
                type: string
  /openapi.yaml:
    get:
      operationId: openapi
      summary: This document.
      responses:
        '200':
          description: The OpenAPI 3.0.3 document of the service.
          content:
            application/yaml:
              schema:
                type: string
components:
  parameters:
    Version:
      name: version
      in: path
      required: true
      description: A policy version, as `GET /v1/policies` and `policyVersion` name it.
      schema:
        type: string
  responses:
    BadRequest:
      description: >-
        The body is not well-formed JSON, not an object, lacks a required field or has a field of the
        wrong type (`field` names it, as `features[1]`; `body` for the whole body).
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Error'
    ContentTooLarge:
      description: 'The body is larger than the service accepts (64 KiB by default; `field: body`).'
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Error'
    UnknownVersion:
      description: 'No policy has this version (`field: version`).'
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Error'
    NotCandidate:
      description: >-
        The version is not the candidate being rolled out, or (rollback) a production version with
        nothing to return to (`field: version`).
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Error'
    LogUnavailable:
      description: 'The interaction log could not commit the record (`field: log`); nothing was acknowledged.'
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Error'
  schemas:
    RecommendRequest:
      type: object
      additionalProperties: true
      required: [features]
      properties:
        features:
          type: array
          description: >-
            The observation: exactly the policy's observation width of finite numbers, in the
            environment's feature order (11 values in [0, 1] for marketing). Another count, or an entry
            not finite as a 32-bit float, is a 422. The strings "NaN", "Infinity" and "-Infinity" are
            read as those numbers (and so answered with a 422).
          minItems: OBSERVATION_WIDTH
          maxItems: OBSERVATION_WIDTH
          items:
            type: number
            minimum: -3.4028234663852886e+38
            maximum: 3.4028234663852886e+38
        user:
          type: string
          nullable: true
          description: >-
            The caller's id of the user: recorded in the interaction log, hashed to keep the user on one
            policy version during a roll-out, and used to chain the user's decisions for online learning.
        explain:
          type: boolean
          nullable: true
          description: Whether to return every action's score (default false).
        slate:
          type: integer
          nullable: true
          minimum: 1
          maximum: ACTION_COUNT
          description: >-
            A list of this many items instead of one: the chosen action first, then the others by the
            answering policy's scores, highest first (ties to the lower index; in index order for a
            policy without scores). More than the number of actions is a 422.
    RecommendResponse:
      type: object
      additionalProperties: false
      required: [eventId, action, actionName, propensity, policy, policyVersion]
      properties:
        eventId:
          type: string
          description: The decision's id (a lower-case UUID), for its feedback.
        action:
          type: integer
          minimum: 0
          description: Index of the chosen action.
        actionName:
          type: string
          description: The environment's name for the action.
        propensity:
          type: number
          minimum: 0
          maximum: 1
          description: Probability of the action under the policy that chose it (1 for a greedy policy).
        policy:
          type: string
          enum: [production, candidate, fallback]
          description: >-
            Which policy answered: production, the candidate being rolled out, or the fallback (its
            holdout share, or the model threw or missed the latency budget).
        policyVersion:
          type: string
          description: The version of the policy that answered (`dqn-1f3a...`, `best-fixed:...`, `uniform-random`).
        scores:
          type: array
          items:
            type: number
          description: Every action's score, only when `explain` was true and the policy has scores.
        scoreKind:
          type: string
          description: What the scores mean (`Q value`, `probability`), with `scores`.
        slate:
          type: array
          items:
            type: integer
            minimum: 0
          description: The recommended list (`action` first), when the request asked for a slate.
        slateNames:
          type: array
          items:
            type: string
          description: The environment's names of the slate's items.
    FeedbackRequest:
      type: object
      additionalProperties: true
      required: [eventId, reward]
      properties:
        eventId:
          type: string
          description: The `eventId` of the decision.
        reward:
          type: number
          description: The reward observed, a finite number.
        terminal:
          type: boolean
          nullable: true
          description: >-
            Whether the user's episode ended with this decision (default false): online learning then
            does not bootstrap from the user's next decision.
    FeedbackResponse:
      type: object
      additionalProperties: false
      required: [joined]
      properties:
        joined:
          type: boolean
          enum: [true]
    PolicyEntry:
      type: object
      additionalProperties: false
      required: [version, role, share, decisions, rewards]
      properties:
        version:
          type: string
        role:
          type: string
          enum: [production, candidate, fallback, retired]
        share:
          type: number
          minimum: 0
          maximum: 1
          description: The share of decisions this policy answers.
        decisions:
          type: integer
          minimum: 0
        rewards:
          type: integer
          minimum: 0
          description: Decisions closed with a reward (joined or defaulted).
        meanReward:
          type: number
          nullable: true
          description: Mean reward of those decisions (null, or absent, before the first).
        interval:
          type: array
          nullable: true
          minItems: 2
          maxItems: 2
          items:
            type: number
          description: A 95% interval of the mean reward (null, or absent, while there are too few rewards).
        note:
          type: string
          nullable: true
          description: Why the version has its role, when it changed (promoted, replaced, rolled back, published by online learning).
    CandidateRequest:
      type: object
      additionalProperties: true
      required: [checkpoint, share]
      properties:
        checkpoint:
          type: string
          description: Path of a checkpoint written by `recorl train`, on the server's machine.
        share:
          type: number
          exclusiveMinimum: true
          minimum: 0
          maximum: 1
          description: The share of decisions the candidate answers, in (0, 1].
    ShareRequest:
      type: object
      additionalProperties: true
      required: [share]
      properties:
        share:
          type: number
          exclusiveMinimum: true
          minimum: 0
          maximum: 1
          description: The candidate's new share, in (0, 1].
    Error:
      type: object
      additionalProperties: false
      required: [error]
      properties:
        error:
          type: object
          additionalProperties: false
          required: [expected]
          properties:
            field:
              type: string
              description: The request field at fault (`features`, `features[1]`, `reward`, `eventId`, `body`, `route`), when one is.
            value:
              type: string
              description: What was sent, briefly (`3 values`, `NaN`, `missing`).
            expected:
              type: string
              description: What the service expects there.
"""#
}
