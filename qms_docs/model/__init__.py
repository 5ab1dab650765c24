"""The document model: pure data and parsing, no git, no I/O beyond what callers pass in."""
