"""The answering layer every job uses (ask, chat, summarize, memory, evals): the model wrapper
(model.py: loads lazily, counts, times), the prompts (prompts.py) and the grounding and citation
checks (grounding/). Below the agent; it knows nothing of the ask graph."""
