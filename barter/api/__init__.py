"""The HTTP shell: Litestar controllers and msgspec schemas, one folder per feature."""
