"""The pure core: model, rules and errors. Imports neither the web framework nor the database driver."""
