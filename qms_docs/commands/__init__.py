"""One module per subcommand: plain arguments in, a result or an exit code out, no printing."""
