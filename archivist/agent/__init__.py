"""The planner agent: a LangGraph graph (graph.py) that understands a question (question/), plans
a strategy (planner.py), runs it (strategies/), verifies every model answer (grounding/) and
escalates when the evidence is missing. ask.py and session.py are its entry points; llm.py is
the one place the model is loaded and called."""
