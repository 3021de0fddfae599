"""Who writes a summary's sentences: the model, or the documents themselves (memory/
summary_extract.py). A model is worth its hours only when the sentences it writes pass the
grounding check; the 135M default passed 1 of 85 on Enron, so by default (`summary_writer=auto`)
the model writes only when its measured pass rate reaches `summary_min_pass`.

The rate is the model's own record in this store (every stored summary counts the sentences it
checked and passed, per model); a model with too short a record is probed on the first groups
of the run, whose model summaries are kept either way. `model` and `extractive` skip the choice.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

PROBE_SENTENCES = 20  # checked sentences a rate needs before it decides
PROBE_GROUPS = 4  # groups a probe writes at most (about a minute with the 135M model on CPU)


class Writer(StrEnum):
    AUTO = "auto"
    MODEL = "model"
    EXTRACTIVE = "extractive"


@dataclass
class Decision:
    writer: Writer | None  # None: the record is too short, probe first
    reason: str
    checked: int = 0
    passed: int = 0

    @property
    def rate(self) -> float:
        return self.passed / self.checked if self.checked else 0.0


def record(store, model: str) -> tuple[int, int]:
    """(checked, passed) of every summary this model wrote into the store."""
    row = store.conn.execute(
        "SELECT coalesce(sum(json_extract(body, '$.checked')), 0), "
        "coalesce(sum(json_extract(body, '$.passed')), 0) FROM summaries WHERE model = ?", (model,)).fetchone()
    return int(row[0]), int(row[1])


def judge(model: str, checked: int, passed: int, min_pass: float, probed: bool = False) -> Decision:
    """The decision a record supports: model at or above min_pass, extractive below it."""
    where = "in a probe of this run" if probed else "in this store"
    if checked < PROBE_SENTENCES and not probed:
        return Decision(None, f"{model} has {checked} checked sentences {where}", checked, passed)
    rate = passed / checked if checked else 0.0
    said = f"{passed} of {checked} of {model}'s sentences passed the grounding check {where} ({rate:.0%})"
    if checked and rate >= min_pass:
        return Decision(Writer.MODEL, f"{said}; the model writes the overviews", checked, passed)
    return Decision(Writer.EXTRACTIVE, f"{said}, under the {min_pass:.0%} needed; the summaries are the "
                    "documents' own sentences (--writer model to use it anyway)", checked, passed)


def choose(store, setting: str, model: str, min_pass: float) -> Decision:
    if setting == Writer.MODEL:
        return Decision(Writer.MODEL, f"{model} writes the overviews (summary_writer=model)")
    if setting == Writer.EXTRACTIVE:
        return Decision(Writer.EXTRACTIVE, "the documents' own sentences (summary_writer=extractive)")
    return judge(model, *record(store, model), min_pass)
