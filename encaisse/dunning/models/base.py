"""Field options shared by the dunning models."""

MONEY = {"max_digits": 14, "decimal_places": 2}
