"""Statements proposed from a claim's own words, read with the desk's records.

``engine.propose(claims)`` is the reader; ``talks.services.proposals`` stores what it
proposes and the editors' decisions. docs/language.md#proposed-statements says what it reads.
"""
