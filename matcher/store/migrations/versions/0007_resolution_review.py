"""resolution review: the fields behind each merge, and the reviews that accept or refuse

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("merge_log") as batch:
        batch.add_column(sa.Column("fields", sa.JSON(), nullable=True))
    op.create_table(
        "merge_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["kept_id"], ["organisations.id"]),
        sa.ForeignKeyConstraint(["merged_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kept_id", "merged_id", name="uq_merge_review_pair"),
    )
    op.create_index(op.f("ix_merge_reviews_kept_id"), "merge_reviews", ["kept_id"], unique=False)
    op.create_index(
        op.f("ix_merge_reviews_merged_id"), "merge_reviews", ["merged_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_merge_reviews_merged_id"), table_name="merge_reviews")
    op.drop_index(op.f("ix_merge_reviews_kept_id"), table_name="merge_reviews")
    op.drop_table("merge_reviews")
    with op.batch_alter_table("merge_log") as batch:
        batch.drop_column("fields")
