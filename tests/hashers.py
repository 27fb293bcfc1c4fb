"""Argon2 with small costs for the tests: the same algorithm and hash format as production
(which keeps Django's defaults), fast enough to make a user per role in every test."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
