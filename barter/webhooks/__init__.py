"""Signed webhooks: secrets and signatures, target checks, and the relay that delivers the outbox."""
