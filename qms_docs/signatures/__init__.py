"""The one judgement of whether a signature counts (rules, verify, evidence and publishing call it)."""
