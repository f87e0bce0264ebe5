"""The workflow shell: matching runs, proposals and their transitions, hold expiry. Services never commit."""
