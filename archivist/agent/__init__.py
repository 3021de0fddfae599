"""The planner agent: a LangGraph graph over rag, stuff, memory and query strategies."""
