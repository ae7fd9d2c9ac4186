"""Encaisse: credit collection and customer-dispute management."""
