"""Question understanding: what kind of question it is (analyse), which documents it is about
(scope), and for summaries which thread(s) it means (topic)."""
