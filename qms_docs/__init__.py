"""qms-docs: Git-native document control for ISO 9001 quality management systems."""

__version__ = "0.2.0"
