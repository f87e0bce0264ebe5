"""The LINE Messaging API: webhook signatures, event models, reply/push client, Thai messages."""
