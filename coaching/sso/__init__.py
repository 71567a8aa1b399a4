"""Single sign-on: OpenID Connect sign-in for the portal, accounts matched to Gong users, roles from Gong."""
