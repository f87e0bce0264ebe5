"""The typed inputs and outputs of the use cases (msgspec structs), shared by every channel.

The JSON API serialises them as they are; the console and LINE render them. They import only
barter.domain and msgspec.
"""
