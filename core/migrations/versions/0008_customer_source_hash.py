"""customer.source_hash: the hash of the customers-file row a customer was last written from

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 20:15:00

A nightly full customers file is mostly the same as the night before: rows whose hash is
the one stored are neither checked again nor written (core.bank_data.unchanged).
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_hash', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_column('source_hash')
