"""Rendering: SSML, the words around the moves, the coached set and the screen view.

Stdlib and the core only."""
