"""The pure core: the routine as data, the vocabulary, navigation, the stored record.

Stdlib only (ruff bans the ASK SDK and boto3 here)."""
