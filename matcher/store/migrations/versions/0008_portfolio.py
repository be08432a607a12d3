"""procurement portfolio: stakeholder invitations, ratings and the organisation's setting

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-01 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portfolio_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(op.f("ix_portfolio_invitations_organisation_id"), "portfolio_invitations",
                    ["organisation_id"], unique=False)
    op.create_table(
        "portfolio_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("importance", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.ForeignKeyConstraint(["invitation_id"], ["portfolio_invitations.id"],
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("invitation_id", "category", name="uq_portfolio_rating_category"),
    )
    op.create_index(op.f("ix_portfolio_ratings_invitation_id"), "portfolio_ratings",
                    ["invitation_id"], unique=False)
    op.create_table(
        "portfolio_settings",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("stakeholder_weight", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("organisation_id"),
    )


def downgrade() -> None:
    op.drop_table("portfolio_settings")
    op.drop_index(op.f("ix_portfolio_ratings_invitation_id"), table_name="portfolio_ratings")
    op.drop_table("portfolio_ratings")
    op.drop_index(op.f("ix_portfolio_invitations_organisation_id"),
                  table_name="portfolio_invitations")
    op.drop_table("portfolio_invitations")
