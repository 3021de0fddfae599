"""Answer checking: every model answer is cut of repetition, checked against what it cites, and
replaced by quoted sentences (or a cited digest) when it cannot be trusted.

sentences  the documents' sentences, scored against the question
check      the grounding verdict on a model answer
quotes     extractive answers, digests, quote spans for citations
citing     citations for stored documents and the labels an answer uses
injection  document text that reads as instructions, shown as data
payload    answers carrying what the documents say only in attacker-controlled passages

The ask graph's verify node (agent/verify.py) applies these to a strategy's draft.
"""
