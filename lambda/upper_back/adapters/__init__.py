"""Adapters: the progress store port and its DynamoDB implementation."""
