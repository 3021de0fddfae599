"""The ask graph: a LangGraph graph (graph.py) that reads a question (question/), plans a strategy
(planner.py), runs it (strategies/), verifies every model answer (verify.py) and escalates when
the evidence is missing. ask.py and session.py are its entry points; context.py is what every node
gets through LangGraph's runtime context."""
