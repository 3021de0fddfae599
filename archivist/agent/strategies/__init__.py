"""The four ways to answer, registered by Strategy.

query   exact metadata answers, no model: planned.py from a typed QueryPlan, metadata.py compiles a
        MetadataQuery to SQL
rag     hybrid retrieval of the best passages
stuff   everything in scope in one context
memory  everything in scope read in order through a rolling memory
common  the model call they share; its answer is a draft for the graph's verify node
"""
from __future__ import annotations

from archivist.agent.strategies.memory import run_memory
from archivist.agent.strategies.query import run_query_strategy
from archivist.agent.strategies.rag import run_rag
from archivist.agent.strategies.stuff import run_stuff
from archivist.records import Strategy

RUNNERS = {Strategy.RAG: run_rag, Strategy.STUFF: run_stuff, Strategy.MEMORY: run_memory,
           Strategy.QUERY: run_query_strategy}
