"""Reading Prometheus' instant-query answers (shapes from its HTTP API documentation)."""

from __future__ import annotations

import pytest

from hotfix_ci.config.model import PrometheusGate
from hotfix_ci.gates.prometheus_gate import judge, sample_values
from hotfix_ci.gates.spec import ProbeResult


def vector(*values: str, label: str = "pod") -> dict[str, object]:
    return {
        "resultType": "vector",
        "result": [
            {"metric": {label: f"p{i}"}, "value": [1435781451.781, v]} for i, v in enumerate(values)
        ],
    }


def verdict(spec: PrometheusGate, data: dict[str, object]) -> ProbeResult:
    def result(ok: bool, detail: str, **extra: object) -> ProbeResult:
        return ProbeResult(gate=spec.name, ok=ok, detail=detail, at=0.0, **extra)  # type: ignore[arg-type]

    return judge(spec, sample_values(data), result=result, latency_ms=1.0)


MAX = PrometheusGate(name="errors", url="http://p", query="q", max=0.01)


def test_scalar_results_are_read() -> None:
    assert sample_values({"resultType": "scalar", "result": [1.0, "0.5"]}) == [("", 0.5)]


def test_the_worst_series_is_reported_with_its_labels() -> None:
    result = verdict(MAX, vector("0.001", "0.2", "0.05"))
    assert result.ok is False
    assert result.value == 0.2
    assert result.detail == '0.2 > max 0.01 for {pod="p1"}'


def test_all_series_within_bounds_pass_with_the_worst_value() -> None:
    result = verdict(MAX, vector("0.001", "0.004"))
    assert result.ok is True and result.value == 0.004
    assert result.detail == "0.004 <= max 0.01 (2 series)"


def test_min_and_max_together() -> None:
    spec = PrometheusGate(name="rps", url="http://p", query="q", min=5, max=100)
    assert verdict(spec, vector("50")).detail == "50 >= min 5 and <= max 100"
    low = verdict(spec, vector("2"))
    assert low.ok is False and low.detail == '2 < min 5 for {pod="p0"}'


def test_nan_samples_are_dropped_and_only_nan_is_no_data() -> None:
    assert sample_values(vector("NaN", "0.5")) == [('{pod="p1"}', 0.5)]
    result = verdict(MAX, vector("NaN"))
    assert result.ok is False and result.detail.startswith("the query returned no data")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"resultType": "matrix", "result": []}, "returned a matrix result"),
        ({"resultType": "string", "result": [1, "x"]}, "returned a string result"),
        (vector("abc"), "non-numeric sample 'abc'"),
        (None, "without a data section"),
    ],
)
def test_unusable_answers_say_why(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sample_values(data)
