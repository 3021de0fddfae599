"""The eval harness's vocabularies: what a row ran (EvalStrategy) and the tasks by name (TaskName).

A row's strategy is one of the agent's four (records.Strategy), `auto` (the planner chooses, as
users get it) or `self-route` (rag first, then stuff when rag's answer says the documents do not
hold it); a retrieval task's rows name a search mode (records.SearchMode) instead. StrEnum values
are the strings stored in the results database, so stored runs read the same.
"""
from __future__ import annotations

from enum import StrEnum

from archivist.records import AUTO, Strategy


class EvalStrategy(StrEnum):
    RAG = Strategy.RAG.value
    STUFF = Strategy.STUFF.value
    MEMORY = Strategy.MEMORY.value
    QUERY = Strategy.QUERY.value
    AUTO = AUTO
    SELF_ROUTE = "self-route"


# the strategies run with escalation off (rag means rag); auto and self-route choose among them
FIXED: tuple[EvalStrategy, ...] = (EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.MEMORY, EvalStrategy.QUERY)
STRATEGIES: tuple[EvalStrategy, ...] = tuple(EvalStrategy)


class TaskName(StrEnum):
    NIAH = "niah"
    HOTPOTQA = "hotpotqa"
    LEVAL = "leval"
    ENRON_QA = "enron-qa"
    PROBES = "probes"
    HOTPOT_RETRIEVAL = "hotpot-retrieval"
    SEARCH_ENRON = "search-enron"
    BLIND = "blind"
    RELEVANCE_FLOOR = "relevance-floor"
    SUMMARIES = "summaries"
    RULER_FWE = "ruler-fwe"
    RULER_MULTIVALUE = "ruler-multivalue"
    RULER_VT = "ruler-vt"
    ARCHIVE_SPAN = "archive-span"
