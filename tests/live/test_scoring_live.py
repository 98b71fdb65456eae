"""Explainable scoring on a real SQL Server: app.sp_record_score_components and app.v_spotlight_score_summary."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

import pytest

from tests.live import workstream as ws

pytestmark = pytest.mark.live

PROC = "app.sp_record_score_components"
# Every table the procedure inserts into has an IDENTITY key: an insert moves IDENT_CURRENT even when it is
# rolled back, so an unchanged mark proves that a refused call inserted nothing.
WRITTEN = ("app.spotlight_score_components", "app.spotlight_scoring_history", "app.work_event")


@dataclass
class Scene:
    org: int
    user: int
    signal: int
    spotlight: int


def scene(db) -> Scene:
    org = ws.org(db)
    return Scene(org, ws.user(db, org), ws.signal(db, org), ws.spotlight(db, org))


def record(db, s: Scene, components: Any, **params: Any) -> dict:
    """One call of the procedure for the scene's signal (arguments can be overridden); the history row."""
    arguments = {
        "org_id": s.org,
        "item_type": "signal",
        "item_id": s.signal,
        "spotlight_id": s.spotlight,
        "components": components if isinstance(components, str) or components is None else json.dumps(components),
        **params,
    }
    results = db.run_proc(PROC, **arguments)
    rows = results[-1].dicts()
    assert len(rows) == 1, f"the procedure returns the history row, got {rows}"
    return rows[0]


def parsed(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def changed(row: dict) -> list[dict]:
    return parsed(row["changed_components"])


def component_rows(db, s: Scene, item_type: str = "signal", item_id: int | None = None) -> list[dict]:
    return db.query(
        "SELECT component_name, component_score, component_weight, component_reason, max_possible_score, scored_at,"
        " algorithm_version FROM app.spotlight_score_components"
        " WHERE org_id = ? AND item_type = ? AND item_id = ? AND spotlight_id = ? ORDER BY scored_at, component_name;",
        s.org,
        item_type,
        s.signal if item_id is None else item_id,
        s.spotlight,
    )


def weights_of(db, s: Scene) -> dict[str, Decimal]:
    return {row["component_name"]: row["component_weight"] for row in component_rows(db, s)}


def shipped_weights(db) -> dict:
    return ws.shipped(db, "spotlight_rule", "component_weights")


def plant_run(db, s: Scene, hours_from_now: float, scores: dict[str, str], version: str = "planted") -> None:
    """A run written directly into the table (weight 1): one scored_at, SYSUTCDATETIME() plus the given hours."""
    rows = ", ".join("(?, 'signal', ?, ?, ?, ?, @at, ?)" for _ in scores)
    values: list[Any] = []
    for name, score in scores.items():
        values += [s.org, s.signal, s.spotlight, name, Decimal(score), version]
    db.execute(
        "DECLARE @at datetime2 = DATEADD(SECOND, ?, SYSUTCDATETIME());"
        " INSERT INTO app.spotlight_score_components (org_id, item_type, item_id, spotlight_id, component_name,"
        f" component_score, scored_at, algorithm_version) VALUES {rows};",
        int(hours_from_now * 3600),
        *values,
    )


def recorded_after(db, later: dict, earlier: dict) -> bool:
    """Whether one history row's scored_at is later than another's, compared by the server (100 ns ticks)."""
    return db.scalar(
        "SELECT CASE WHEN l.scored_at > e.scored_at THEN 1 ELSE 0 END AS later"
        " FROM app.spotlight_scoring_history AS l CROSS JOIN app.spotlight_scoring_history AS e"
        " WHERE l.history_id = ? AND e.history_id = ?;",
        later["history_id"],
        earlier["history_id"],
    ) == 1


def identity_marks(db) -> list:
    return [db.scalar("SELECT IDENT_CURRENT(?) AS v;", table) for table in WRITTEN]


def D(text: str) -> Decimal:
    return Decimal(text)


def as_weight(number: float) -> Decimal:
    """A weight as component_weight (decimal(4, 2)) holds it."""
    return Decimal(str(number)).quantize(Decimal("0.01"))


BASE = [
    {"name": "industry_match", "score": 8.5, "weight": 1.0, "reason": "Same industry", "max_possible_score": 10},
    {"name": "budget_fit", "score": -2, "weight": 0.5},
]


# -- a first run -------------------------------------------------------------------------------------


@pytest.mark.parametrize("item_type", ["signal", "candidate", "pursuit"])
def test_a_first_run_has_no_previous_score_its_total_as_delta_and_every_component_changed(db, item_type):
    s = scene(db)
    item_id = {
        "signal": lambda: s.signal,
        "candidate": lambda: ws.candidate(db, s.org),
        "pursuit": lambda: ws.pursuit(db, s.org),
    }[item_type]()

    row = record(db, s, BASE, item_type=item_type, item_id=item_id, change_reason="first look", scored_by=s.user)

    assert (row["org_id"], row["item_type"], row["item_id"], row["spotlight_id"]) == (s.org, item_type, item_id, s.spotlight)
    assert row["previous_score"] is None
    assert row["new_score"] == D("7.50")
    assert row["score_delta"] == D("7.50")
    assert (row["change_reason"], row["scored_by"]) == ("first look", s.user)
    assert changed(row) == [
        {"component": "budget_fit", "previous_weighted_score": None, "new_weighted_score": D("-1.00")},
        {"component": "industry_match", "previous_weighted_score": None, "new_weighted_score": D("8.50")},
    ]
    stored = db.query("SELECT * FROM app.spotlight_scoring_history WHERE history_id = ?;", row["history_id"])
    assert len(stored) == 1 and stored[0]["new_score"] == D("7.50") and stored[0]["item_type"] == item_type


def test_every_component_of_a_run_carries_the_history_rows_scored_at_and_version(db):
    s = scene(db)
    row = record(db, s, BASE)

    rows = component_rows(db, s)
    assert [r["component_name"] for r in rows] == ["budget_fit", "industry_match"]
    assert {r["scored_at"] for r in rows} == {row["scored_at"]}
    assert {r["algorithm_version"] for r in rows} == {row["algorithm_version"]} == {shipped_weights(db)["algorithm_version"]}
    industry = rows[1]
    assert (industry["component_score"], industry["component_weight"]) == (D("8.50"), D("1.00"))
    assert (industry["component_reason"], industry["max_possible_score"]) == ("Same industry", D("10.00"))
    assert (rows[0]["component_reason"], rows[0]["max_possible_score"]) == (None, None)


def test_the_item_type_is_read_case_insensitively_and_stored_in_lower_case(db):
    s = scene(db)
    row = record(db, s, BASE, item_type=" Signal ")
    assert row["item_type"] == "signal"
    assert {r["component_name"] for r in component_rows(db, s)} == {"budget_fit", "industry_match"}


# -- later runs ------------------------------------------------------------------------------------


def test_a_second_run_lists_the_changed_and_the_removed_component_and_the_exact_delta(db):
    s = scene(db)
    first = [
        {"name": "industry_match", "score": 8.5, "weight": 1},
        {"name": "budget_fit", "score": 4, "weight": 1},
        {"name": "geo_alignment", "score": 3, "weight": 1},
    ]
    second = [
        {"name": "industry_match", "score": 6, "weight": 1},
        {"name": "budget_fit", "score": 4, "weight": 1},
    ]
    before = record(db, s, first)
    row = record(db, s, second)

    assert before["new_score"] == D("15.50")
    assert (row["previous_score"], row["new_score"], row["score_delta"]) == (D("15.50"), D("10.00"), D("-5.50"))
    assert changed(row) == [
        {"component": "geo_alignment", "previous_weighted_score": D("3.00"), "new_weighted_score": None},
        {"component": "industry_match", "previous_weighted_score": D("8.50"), "new_weighted_score": D("6.00")},
    ]
    assert recorded_after(db, row, before)
    assert ws.count(db, "app.spotlight_scoring_history", "org_id = ? AND item_id = ?", s.org, s.signal) == 2


def test_an_added_component_is_listed_without_a_previous_weighted_score(db):
    s = scene(db)
    record(db, s, [{"name": "industry_match", "score": 5, "weight": 1}])
    row = record(db, s, [{"name": "industry_match", "score": 5, "weight": 1}, {"name": "team_fit", "score": 2, "weight": 1.5}])

    assert (row["previous_score"], row["new_score"], row["score_delta"]) == (D("5.00"), D("8.00"), D("3.00"))
    assert changed(row) == [{"component": "team_fit", "previous_weighted_score": None, "new_weighted_score": D("3.00")}]


def test_a_run_with_the_same_weighted_scores_lists_nothing_even_when_score_and_weight_differ(db):
    s = scene(db)
    record(db, s, [{"name": "industry_match", "score": 4, "weight": 1}, {"name": "budget_fit", "score": 1, "weight": 1}])
    row = record(db, s, [{"name": "industry_match", "score": 8, "weight": 0.5}, {"name": "budget_fit", "score": 1, "weight": 1}])

    assert (row["previous_score"], row["new_score"], row["score_delta"]) == (D("5.00"), D("5.00"), D("0.00"))
    assert row["changed_components"] == "[]"


def test_a_weighted_score_is_rounded_to_two_decimals_as_the_summary_view_rounds_it(db):
    s = scene(db)
    row = record(db, s, [{"name": "industry_match", "score": 8.55, "weight": 0.75}])  # 6.4125

    assert row["new_score"] == D("6.41")
    summary = db.read_view("app.v_spotlight_score_summary", "org_id = ? AND item_id = ?", s.org, s.signal)
    assert [r["total_score"] for r in summary] == [D("6.41")]


def test_the_previous_score_is_the_total_of_the_latest_earlier_run_of_the_same_item_and_spotlight(db):
    s = scene(db)
    plant_run(db, s, -5, {"industry_match": "1", "budget_fit": "1"}, version="old")
    plant_run(db, s, -2, {"industry_match": "7", "budget_fit": "2"}, version="old")
    other_spotlight = ws.spotlight(db, s.org, name="Another profile")
    db.execute(
        "INSERT INTO app.spotlight_score_components (org_id, item_type, item_id, spotlight_id, component_name,"
        " component_score, scored_at, algorithm_version) VALUES (?, 'signal', ?, ?, 'industry_match', 50,"
        " DATEADD(HOUR, -1, SYSUTCDATETIME()), 'old');",
        s.org,
        s.signal,
        other_spotlight,
    )

    row = record(db, s, [{"name": "industry_match", "score": 7, "weight": 1}])

    assert (row["previous_score"], row["new_score"], row["score_delta"]) == (D("9.00"), D("7.00"), D("-2.00"))
    assert changed(row) == [{"component": "budget_fit", "previous_weighted_score": D("2.00"), "new_weighted_score": None}]


def test_a_run_is_recorded_100_ns_after_a_latest_run_that_is_not_earlier_so_runs_never_merge(db):
    s = scene(db)
    plant_run(db, s, 1, {"industry_match": "3"})  # a run stamped an hour ahead (a clock that went back)

    row = record(db, s, [{"name": "industry_match", "score": 4, "weight": 1}])

    gap = db.scalar(
        "SELECT DATEDIFF_BIG(NANOSECOND, MIN(c.scored_at), MAX(c.scored_at)) AS ns FROM app.spotlight_score_components AS c"
        " WHERE c.org_id = ? AND c.item_id = ? AND c.spotlight_id = ?;",
        s.org,
        s.signal,
        s.spotlight,
    )
    assert gap == 100
    assert row["previous_score"] == D("3.00")
    summary = db.read_view("app.v_spotlight_score_summary", "org_id = ? AND item_id = ?", s.org, s.signal, order_by="scored_at")
    assert [(r["total_score"], r["component_count"]) for r in summary] == [(D("3.00"), 1), (D("4.00"), 1)]


def test_two_runs_in_a_row_are_two_runs_of_the_summary_view(db):
    s = scene(db)
    first = record(db, s, BASE)
    second = record(db, s, BASE)

    assert recorded_after(db, second, first)
    summary = db.read_view("app.v_spotlight_score_summary", "org_id = ? AND item_id = ?", s.org, s.signal)
    assert [r["component_count"] for r in summary] == [2, 2]


# -- weights and the algorithm version from config --------------------------------------------------


def test_a_missing_weight_comes_from_the_shipped_weights(db):
    s = scene(db)
    shipped = shipped_weights(db)
    record(db, s, [{"name": "industry_match", "score": 2}, {"name": "zz_unlisted", "score": 2}])

    expected_industry = as_weight(shipped["weights"].get("industry_match", shipped["default_weight"]))
    assert weights_of(db, s) == {"industry_match": expected_industry, "zz_unlisted": as_weight(shipped["default_weight"])}


def test_an_org_override_of_the_weights_changes_the_default_and_an_explicit_weight_wins(db):
    s = scene(db)
    ws.config(
        db,
        s.org,
        "spotlight_rule",
        "component_weights",
        {"algorithm_version": "org-v1", "default_weight": 0.5, "weights": {"industry_match": 2.0, "geo_alignment": 3.0}},
    )
    row = record(
        db,
        s,
        [
            {"name": "industry_match", "score": 3},
            {"name": "budget_fit", "score": 4},
            {"name": "geo_alignment", "score": 2, "weight": 1.5},
            {"name": "team_fit", "score": 1, "weight": None},
        ],
    )

    assert weights_of(db, s) == {"industry_match": D("2.00"), "budget_fit": D("0.50"), "geo_alignment": D("1.50"), "team_fit": D("0.50")}
    assert row["algorithm_version"] == "org-v1"
    assert row["new_score"] == D("6.00") + D("2.00") + D("3.00") + D("0.50")

    other = scene(db)  # an org without an override still reads the shipped document
    record(db, other, [{"name": "budget_fit", "score": 4}])
    shipped = shipped_weights(db)
    assert weights_of(db, other) == {"budget_fit": as_weight(shipped["weights"].get("budget_fit", shipped["default_weight"]))}


def test_an_org_document_without_default_weight_falls_back_to_1(db):
    s = scene(db)
    ws.config(db, s.org, "spotlight_rule", "component_weights", {"algorithm_version": "org-v2", "weights": {}})
    record(db, s, [{"name": "industry_match", "score": 3}])
    assert weights_of(db, s) == {"industry_match": D("1.00")}


def test_an_org_that_switches_the_weights_off_scores_with_weight_1_under_the_version_it_gives(db):
    s = scene(db)
    ws.config(db, s.org, "spotlight_rule", "component_weights", {"enabled": False})
    row = record(db, s, [{"name": "industry_match", "score": 3}], algorithm_version="manual-1")

    assert weights_of(db, s) == {"industry_match": D("1.00")}
    assert row["algorithm_version"] == "manual-1"


def test_the_algorithm_version_given_wins_over_the_documents(db):
    s = scene(db)
    row = record(db, s, BASE, algorithm_version="exp-7")
    assert row["algorithm_version"] == "exp-7"
    assert {r["algorithm_version"] for r in component_rows(db, s)} == {"exp-7"}


def test_a_number_written_with_an_exponent_is_read_as_that_number(db):
    s = scene(db)
    row = record(db, s, '[{"name": "industry_match", "score": 2.5e1, "weight": 5e-1, "max_possible_score": 3e1}]')
    assert row["new_score"] == D("12.50")
    assert (component_rows(db, s)[0]["component_score"], component_rows(db, s)[0]["max_possible_score"]) == (D("25.00"), D("30.00"))


# -- the summary view and the event -----------------------------------------------------------------


def test_the_summary_view_shows_the_run_with_its_top_components_and_breakdown(db):
    s = scene(db)
    row = record(
        db,
        s,
        [
            {"name": "industry_match", "score": 8.5, "weight": 1, "reason": 'Same "industry"', "max_possible_score": 10},
            {"name": "budget_fit", "score": -2, "weight": 1.5, "reason": "Over budget"},
            {"name": "geo_alignment", "score": 3, "weight": 0.5},
            {"name": "risk_flag", "score": -1, "weight": 1},
        ],
    )

    summary = db.read_view("app.v_spotlight_score_summary", "org_id = ? AND item_type = 'signal' AND item_id = ?", s.org, s.signal)
    assert len(summary) == 1
    run = summary[0]
    assert (run["spotlight_id"], run["scored_at"], run["algorithm_version"]) == (s.spotlight, row["scored_at"], row["algorithm_version"])
    assert run["total_score"] == row["new_score"] == D("6.00")
    assert (run["top_positive"], run["top_negative"], run["component_count"]) == ("industry_match", "budget_fit", 4)
    assert parsed(run["score_breakdown"]) == [
        {"component": "industry_match", "score": D("8.5"), "weight": D("1"), "weighted_score": D("8.5"),
         "max_possible_score": D("10"), "reason": 'Same "industry"'},
        {"component": "geo_alignment", "score": D("3"), "weight": D("0.5"), "weighted_score": D("1.5"),
         "max_possible_score": None, "reason": None},
        {"component": "risk_flag", "score": D("-1"), "weight": D("1"), "weighted_score": D("-1"),
         "max_possible_score": None, "reason": None},
        {"component": "budget_fit", "score": D("-2"), "weight": D("1.5"), "weighted_score": D("-3"),
         "max_possible_score": None, "reason": "Over budget"},
    ]


def test_a_run_without_negative_components_has_no_top_negative(db):
    s = scene(db)
    record(db, s, [{"name": "industry_match", "score": 2, "weight": 1}, {"name": "budget_fit", "score": 0, "weight": 1}])
    run = db.read_view("app.v_spotlight_score_summary", "org_id = ? AND item_id = ?", s.org, s.signal)[0]
    assert (run["top_positive"], run["top_negative"], run["component_count"]) == ("industry_match", None, 2)


def test_each_run_writes_one_score_recorded_event_on_the_item(db):
    s = scene(db)
    first = record(db, s, BASE, scored_by=s.user)
    second = record(db, s, [{"name": "industry_match", "score": 10, "weight": 1}])

    events = ws.events(db, s.org, "signal", s.signal)
    assert [e["event_name"] for e in events] == ["score_recorded", "score_recorded"]
    assert [e["actor_user_id"] for e in events] == [s.user, None]
    payloads = [parsed(e["payload_json"]) for e in events]
    assert payloads[0] == {
        "spotlight_id": s.spotlight, "history_id": first["history_id"],
        "previous_score": None, "new_score": D("7.50"), "score_delta": D("7.50"),
    }
    assert payloads[1] == {
        "spotlight_id": s.spotlight, "history_id": second["history_id"],
        "previous_score": D("7.50"), "new_score": D("10.00"), "score_delta": D("2.50"),
    }


# -- refused calls -----------------------------------------------------------------------------------


def other_org_row(builder: Callable) -> Callable:
    def make(db, s: Scene) -> Any:
        return builder(db, ws.org(db))

    return make


def components(*items: Any) -> Callable:
    return lambda db, s: {"components": items[0] if len(items) == 1 and isinstance(items[0], str) else json.dumps(list(items))}


def org_weights(document: dict) -> Callable:
    def make(db, s: Scene) -> dict:
        ws.config(db, s.org, "spotlight_rule", "component_weights", document)
        return {"components": json.dumps([{"name": "industry_match", "score": 1}])}

    return make


REFUSED = [
    (50070, "unknown org", lambda db, s: {"org_id": -1}),
    (50070, "no org", lambda db, s: {"org_id": None}),
    (50071, "item type proposal", lambda db, s: {"item_type": "proposal"}),
    (50071, "no item type", lambda db, s: {"item_type": None}),
    (50072, "unknown signal", lambda db, s: {"item_id": -1}),
    (50072, "no item id", lambda db, s: {"item_id": None}),
    (50072, "signal of another org", lambda db, s: {"item_id": other_org_row(ws.signal)(db, s)}),
    (50072, "candidate named as a pursuit", lambda db, s: {"item_type": "pursuit", "item_id": ws.candidate(db, s.org)}),
    (50073, "spotlight of another org", lambda db, s: {"spotlight_id": other_org_row(ws.spotlight)(db, s)}),
    (50073, "no spotlight", lambda db, s: {"spotlight_id": None}),
    (50074, "no components", lambda db, s: {"components": None}),
    (50074, "not JSON", components("industry_match=3")),
    (50074, "an object", components('{"name": "industry_match", "score": 1}')),
    (50074, "an empty array", components("[]")),
    (50074, "a string", components('"industry_match"')),
    (50074, "an array of numbers", components("[1, 2]")),
    (50074, "an array holding a non-object", components('[{"name": "industry_match", "score": 1}, []]')),
    (50075, "no name", components({"score": 1})),
    (50075, "no score", components({"name": "industry_match"})),
    (50075, "a null score", components({"name": "industry_match", "score": None})),
    (50075, "an empty name", components({"name": "", "score": 1})),
    (50075, "an upper-case name", components({"name": "Industry_match", "score": 1})),
    (50075, "a name with a space", components({"name": "industry match", "score": 1})),
    (50075, "a name with a trailing space", components({"name": "industry_match ", "score": 1})),
    (50075, "a name of 65 characters", components({"name": "n" * 65, "score": 1})),
    (50075, "a numeric name", components({"name": 7, "score": 1})),
    (50075, "a score as a string", components({"name": "industry_match", "score": "8.5"})),
    (50075, "a weight as a string", components({"name": "industry_match", "score": 1, "weight": "1"})),
    (50075, "a max as a boolean", components({"name": "industry_match", "score": 1, "max_possible_score": True})),
    (50075, "a numeric reason", components({"name": "industry_match", "score": 1, "reason": 5})),
    (50075, "a reason of 201 characters", components({"name": "industry_match", "score": 1, "reason": "r" * 201})),
    (50075, "an unknown member", components({"name": "industry_match", "score": 1, "wieght": 2})),
    (50075, "a member in another case", components({"name": "industry_match", "Score": 1, "score": 1})),
    (50075, "a repeated member", components('[{"name": "industry_match", "score": 1, "score": 2}]')),
    (50075, "a repeated name", components({"name": "industry_match", "score": 1}, {"name": "industry_match", "score": 2})),
    (50076, "a score of 10000", components({"name": "industry_match", "score": 10000})),
    (50076, "a score of -10000", components({"name": "industry_match", "score": -10000})),
    (50076, "a score of 1e10", components('[{"name": "industry_match", "score": 1e10}]')),
    (50076, "a negative weight", components({"name": "industry_match", "score": 1, "weight": -0.5})),
    (50076, "a weight of 100", components({"name": "industry_match", "score": 1, "weight": 100})),
    (50076, "a negative max", components({"name": "industry_match", "score": -1, "max_possible_score": -1})),
    (50076, "a score above its max", components({"name": "industry_match", "score": 10.01, "max_possible_score": 10})),
    (50076, "a max of 10000", components({"name": "industry_match", "score": 1, "max_possible_score": 10000})),
    (50076, "a total of 18000", components({"name": "industry_match", "score": 9000, "weight": 1}, {"name": "budget_fit", "score": 9000, "weight": 1})),
    (50076, "a config weight of 150", org_weights({"algorithm_version": "v", "weights": {"industry_match": 150}})),
    (50076, "a config weight that is text", org_weights({"algorithm_version": "v", "weights": {"industry_match": "heavy"}})),
    (50076, "a negative config default", org_weights({"algorithm_version": "v", "default_weight": -1, "weights": {}})),
    (50077, "scorer of another org", lambda db, s: {"scored_by": other_org_row(ws.user)(db, s)}),
    (50078, "weights switched off", org_weights({"enabled": False})),
    (50078, "a document without a version", org_weights({"default_weight": 1.0, "weights": {}})),
    (50078, "a version of 17 characters", org_weights({"algorithm_version": "v" * 17, "weights": {}})),
    (50078, "a blank version", org_weights({"algorithm_version": "  ", "weights": {}})),
]


@pytest.mark.parametrize("number, case, change", REFUSED, ids=[f"{n}-{c}" for n, c, _ in REFUSED])
def test_a_bad_call_is_refused_with_its_number_and_writes_nothing(db, number, case, change):
    s = scene(db)
    record(db, s, BASE)  # the scene is valid, and every table written has issued an identity value
    arguments = change(db, s)
    components_json = arguments.pop("components", json.dumps(BASE))
    marks = identity_marks(db)

    with db.expect_error(number) as outcome:
        record(db, s, components_json, **arguments)

    assert outcome["rolled_back"] is True
    assert identity_marks(db) == marks, f"{case}: the refused call inserted rows (identity values were used)"


def test_a_change_from_the_previous_total_too_large_for_its_column_is_refused_and_writes_nothing(db):
    s = scene(db)
    record(db, s, [{"name": "industry_match", "score": 9000, "weight": 1}])
    marks = identity_marks(db)

    with db.expect_error(50076) as outcome:
        record(db, s, [{"name": "industry_match", "score": -9000, "weight": 1}])  # delta -18000

    assert outcome["rolled_back"] is True
    assert identity_marks(db) == marks
