"""Property-based fuzzing of the readers (short run; tools/fuzz_readers.py is the long run): any
mutation of the malformed fixtures reads as documents and rejects, no exception, hang or
runaway memory."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz_targets import TARGETS, Outcome, mutated, run_one


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_readers_never_crash_hang_or_run_away(target):
    outcome = Outcome()

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(target))
    def one(data: bytes) -> None:
        run_one(target, data, outcome, measure_memory=outcome.executions % 10 == 0)

    one()
    assert outcome.executions >= 60
    assert (outcome.crashes, outcome.hangs, outcome.memory) == (0, 0, 0), outcome.examples
