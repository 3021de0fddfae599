"""Everything that reads a scope in order and keeps a bounded result.

rolling        the rolling compressive memory (notes carried from one part to the next)
groups         the groups a scope is read as (threads, mailboxes, senders, months, record fields)
summaries      stored summaries and their Markdown
summarize      hierarchical, incremental, cited summaries (`archivist summarize`)
summary_calls  the model-call dispatch of one summary level (concurrent or batched)
ssm_reader     SSM state as memory: read a group once, answer later from the stored state
ssm_state      the stored state snapshots and their tags
"""
