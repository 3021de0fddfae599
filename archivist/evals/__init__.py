"""Eval tasks, runner, metrics and reports."""
