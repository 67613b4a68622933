"""a bank's own data: territory as data, loads, mapping profiles

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 16:30:00

Adds: bank.geometry (the service area), table township, village.illustrative, customer.located
/ core_manager / closed_on, tables load_run, mapping_profile and load_lock (one row).
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bank', schema=None) as batch_op:
        batch_op.add_column(sa.Column('geometry', sa.Text(), nullable=True))
    op.create_table('township',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('geometry', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.add_column(sa.Column('illustrative', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('located', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('core_manager', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
    op.create_table('load_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('batch', sa.String(length=60), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.Column('timings', sa.Text(), nullable=False),
    sa.Column('problems', sa.Integer(), nullable=False),
    sa.Column('quarantined', sa.Integer(), nullable=False),
    sa.Column('report', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('batch')
    )
    with op.batch_alter_table('load_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_load_run_started_at'), ['started_at'], unique=False)
    op.create_table('mapping_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('mapping', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('load_lock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute("INSERT INTO load_lock (id, at) VALUES (1, NULL)")


def downgrade() -> None:
    op.drop_table('load_lock')
    op.drop_table('mapping_profile')
    with op.batch_alter_table('load_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_load_run_started_at'))
    op.drop_table('load_run')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_column('closed_on')
        batch_op.drop_column('core_manager')
        batch_op.drop_column('located')
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.drop_column('illustrative')
    op.drop_table('township')
    with op.batch_alter_table('bank', schema=None) as batch_op:
        batch_op.drop_column('geometry')
