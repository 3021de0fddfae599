"""Property-based fuzzing of every reader (short run; tools/fuzz_readers.py is the long run): any
mutation of a target's seeds, read with its attachments, gives documents and rejects, no
exception, hang or runaway memory."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz_targets import TARGETS, Outcome, available, mutated, run_one, warm_up

EXAMPLES = 60  # per target: about 0.3-2 s each on the shared 2-core machine


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_readers_never_crash_hang_or_run_away(target):
    if not available(target):
        pytest.skip(f"no seeds for {target} here (the PST samples live in ../shared/data)")
    warm_up(target)
    outcome = Outcome()

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(target))
    def one(data: bytes) -> None:
        run_one(target, data, outcome, measure_memory=outcome.executions % 10 == 0)

    one()
    assert outcome.executions >= EXAMPLES
    assert (outcome.crashes, outcome.hangs, outcome.memory) == (0, 0, 0), outcome.examples
