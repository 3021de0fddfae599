"""`archivist eval`: the one place quality is measured, into the one results store (SQLite).

tasks/     one class per task (niah, hotpotqa, leval, enron-qa, probes, hotpot-retrieval,
           search-enron, blind, relevance-floor): examples, corpora, headline score
runner     every example x strategy through ask (or a task's own measure), resumable, row by row
results    the results database: runs keyed by what they measure, one row per example x strategy
metrics, aggregate, groups   scores, per-strategy and per-group tables, planner regret, Self-Route
report, plots, readme        Markdown and PNG reports; README tables rewritten between markers
suite      the default and smoke suites with their time boxes
probes, probe_templates      metadata questions with exact answers generated from a store or the
           raw mbox files, in many wordings
vocab      EvalStrategy and TaskName; datasets (HotpotQA pooling); peak (per-row peak memory)
"""
