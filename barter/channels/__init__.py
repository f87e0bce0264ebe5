"""Channels other than the JSON API and the console: LINE, SMS and spreadsheet import.

Each is thin: it verifies and parses what arrives, calls the use cases, and formats what goes out.
"""
