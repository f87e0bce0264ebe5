"""Use cases, one module per family. Every channel (JSON API, console, LINE, CLI, demo) calls these.

A service takes the caller, a connection (the channel owns the transaction) and typed inputs from
barter.schemas, checks authorization, calls repositories and the pure core, and returns results.
Services never commit and never import a channel.
"""
