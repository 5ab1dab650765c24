"""The change side: a base..head range judged commit by commit (pre-push, pre-receive, `qms check --base`, CI)."""
