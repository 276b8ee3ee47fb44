"""Accounts: the owner's first sign-up, log in and out, sessions and passwords."""
