"""Question understanding: the typed QueryPlan a question reads into (plan; reader over a
reading, with phrases, mentions, people, roles, asks, words; names linked to the archive by
entities), the older kind and intent analysis (analyse, followup), which documents it is about
(scope), and for summaries which thread(s) it means (topic)."""
