"""Accounts: memberships that give users their roles, local and OpenID Connect sign-in."""
