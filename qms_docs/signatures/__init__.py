"""Whether a signature counts: entry signatures (SSHSIG) and the allowed-signers file."""
