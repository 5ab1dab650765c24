"""The one git access layer. Hot paths (check, hooks) run git directly through `runner`;
GitPython (92 ms to import) is loaded only by the commands that need its object model."""
