"""Create, list or revoke the bearer tokens that map HTTP MCP clients to a Django user."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from core.selectors import tokens_for_user
from core.services import token_create, token_revoke


class Command(BaseCommand):
    help = (
        "Create a bearer token for the MCP HTTP server and the read API (shown once; stored hashed; --scope read "
        "for the read API only), or --list / --revoke PREFIX."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="email (or username) of the Django user the token acts as")
        parser.add_argument("--name", default="", help="a label, e.g. the laptop or client it is for")
        parser.add_argument(
            "--scope",
            choices=["full", "read"],
            default="full",
            help="full: the MCP tools and the read API (default); read: only the read-only REST API /api/v1/, "
            "e.g. for a BI tool",
        )
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the user's tokens starting with PREFIX")
        parser.add_argument("--list", action="store_true", help="list the user's tokens (prefixes only)")

    def handle(self, *args, user: str, name: str, scope: str, revoke: str | None, list: bool, **options):
        try:
            if list:
                for row in tokens_for_user(user_email=user):
                    state = "revoked" if row.revoked_at else "active"
                    used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never used"
                    self.stdout.write(f"{row.prefix}…  {state:8}  {row.scope:5}  {row.name or '-':20}  {used}")
                return
            if revoke:
                count = token_revoke(user_email=user, prefix=revoke)
                self.stdout.write(f"Revoked {count} token(s) of {user} starting with {revoke}.")
                return
            issued = token_create(user_email=user, name=name, scope=scope)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(issued.token)
        self.stderr.write(
            f"Token {issued.prefix}… ({scope}) for {user}: shown once, stored hashed. "
            f"Send it as `Authorization: Bearer <token>`; revoke with --revoke {issued.prefix}."
        )
