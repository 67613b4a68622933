"""targets and progress: metric kinds, product sign-up dates, target changes, actual runs

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 08:00:00

Adds only: columns of metric (kind, basis, position) and customer (sign-up dates, with
covering indexes for counting by date), and the tables target_change and actual_run; then fills the metric catalogue (15 metrics) as it was
when this revision was written (later revisions change it with their own copies).
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

COLUMNS = ("code", "name_zh", "name_en", "unit", "higher_is_better", "source", "kind",
           "basis_zh", "basis_en", "position")
CATALOGUE = [
    ('deposit_balance', '存款余额', 'Deposit balance', 'yuan',
     True, 'snapshot', 'stock',
     '客户存款余额合计(customer.deposit_balance),当月为计算时点数,已过月份为月末时点数',
     "Sum of customers' deposit balances; the running month at the time of computing, closed months as recorded at month end",
     1),
    ('deposit_increase', '存款增量', 'Deposit increase', 'yuan',
     True, 'computed', 'flow',
     '月末存款余额减上月末存款余额(1月减上年12月末)',
     'Month-end deposit balance minus the previous month end (January: minus last December)',
     2),
    ('loan_balance', '贷款余额', 'Loan balance', 'yuan',
     True, 'snapshot', 'stock',
     '客户贷款余额合计(customer.loan_balance),当月为计算时点数,已过月份为月末时点数',
     "Sum of customers' loan balances; the running month at the time of computing, closed months as recorded at month end",
     3),
    ('loan_increase', '贷款增量', 'Loan increase', 'yuan',
     True, 'computed', 'flow',
     '月末贷款余额减上月末贷款余额',
     'Month-end loan balance minus the previous month end',
     4),
    ('npl_ratio', '不良贷款率', 'NPL ratio', 'pct',
     False, 'snapshot', 'rate',
     '不良贷款余额 / 贷款余额(holding 表 loan 产品的 npl 标志),越低越好',
     'Non-performing loan balance over loan balance (loan holdings flagged npl); lower is better',
     5),
    ('npl_recovery', '不良清收', 'NPL recovery', 'yuan',
     True, 'imported', 'flow',
     '由资产保全部门按月导入(Excel)',
     'Imported monthly from Excel (asset recovery department)',
     6),
    ('intermediate_income', '中间业务收入', 'Intermediate business income', 'yuan',
     True, 'imported', 'flow',
     '由财务部门按月导入(Excel)',
     'Imported monthly from Excel (finance department)',
     7),
    ('new_active_customers', '新增有效客户', 'New active customers', 'count',
     True, 'computed', 'flow',
     '当月开户且状态为有效(active)的客户数(customer.opened_on)',
     'Customers opened in the month whose status is active (customer.opened_on)',
     8),
    ('mobile_banking_signups', '手机银行签约(实名)', 'Mobile-banking sign-ups (real-name)', 'count',
     True, 'computed', 'flow',
     '当月实名签约手机银行的客户数(customer.mobile_banking_on)',
     'Customers who signed up for mobile banking with real-name verification in the month (customer.mobile_banking_on)',
     9),
    ('acquiring_merchants', '收单商户(POS/扫码)', 'Acquiring merchants (POS/QR)', 'count',
     True, 'computed', 'flow',
     '当月新签约收单(POS/扫码)的商户数(customer.acquiring_on)',
     'Merchants who signed up for POS/QR acquiring in the month (customer.acquiring_on)',
     10),
    ('etc_signups', 'ETC签约', 'ETC sign-ups', 'count',
     True, 'computed', 'flow',
     '当月新签约ETC的客户数(customer.etc_on)',
     'Customers who signed up for ETC in the month (customer.etc_on)',
     11),
    ('visits', '走访次数', 'Visits', 'count',
     True, 'computed', 'flow',
     '客户经理当月走访记录数(visit 表)',
     'Visits the manager recorded in the month (visits)',
     12),
    ('filing_rate', '建档率', 'Filing rate', 'pct',
     True, 'snapshot', 'rate',
     '已建档客户 / 网格内已知成年常住人口(A岗所在二级网格)',
     'Filed customers over the adults known to live in the grids (post-A level-2 grids)',
     13),
    ('high_end_coverage', '高端客户走访覆盖率', 'High-end visit coverage', 'pct',
     True, 'computed', 'rate',
     '月末(当月为计算日)前30天内走访过的高端客户(AUM≥GM_TIER_AUM高端门槛)占高端客户比例',
     'Share of high-end customers (AUM at or above the GM_TIER_AUM high-end threshold) visited in the 30 days to month end (the running month: to the day of computing)',
     14),
    ('marketing_success_rate', '营销成功率', 'Marketing success rate', 'pct',
     True, 'computed', 'rate',
     '当月走访中结果为正面(非 none)的比例',
     "Share of the month's visits with a positive outcome (any outcome but none)",
     15),
]


def upgrade() -> None:
    with op.batch_alter_table('metric', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), server_default='flow',
                                      nullable=False))
        batch_op.add_column(sa.Column('basis_zh', sa.String(length=200), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('basis_en', sa.String(length=300), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('position', sa.SmallInteger(), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mobile_banking_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('acquiring_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('etc_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_customer_opened_on',
                              ['opened_on', 'status', 'branch_id', 'manager_id'], unique=False)
        for column in ('mobile_banking_on', 'acquiring_on', 'etc_on'):
            batch_op.create_index(f'ix_customer_{column}', [column, 'branch_id', 'manager_id'],
                                  unique=False)
    op.create_table('target_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('month', sa.SmallInteger(), nullable=False),
    sa.Column('org_level', sa.String(length=8), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('old_value', sa.Float(), nullable=True),
    sa.Column('new_value', sa.Float(), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['metric'], ['metric.code'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('target_change', schema=None) as batch_op:
        batch_op.create_index('ix_target_change_year_metric', ['year', 'metric'], unique=False)
    op.create_table('actual_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    _fill_catalogue()


def _fill_catalogue() -> None:
    """Insert the metrics a database lacks and bring the existing ones up to date."""
    metric = sa.table('metric', *(sa.column(c) for c in COLUMNS))
    conn = op.get_bind()
    present = set(conn.execute(sa.select(metric.c.code)).scalars())
    for row in CATALOGUE:
        values = dict(zip(COLUMNS, row))
        if values["code"] in present:
            conn.execute(sa.update(metric).where(metric.c.code == values["code"])
                         .values(**values))
        else:
            conn.execute(sa.insert(metric).values(**values))


def downgrade() -> None:
    op.drop_table('actual_run')
    with op.batch_alter_table('target_change', schema=None) as batch_op:
        batch_op.drop_index('ix_target_change_year_metric')
    op.drop_table('target_change')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        for column in ('etc_on', 'acquiring_on', 'mobile_banking_on', 'opened_on'):
            batch_op.drop_index(f'ix_customer_{column}')
        batch_op.drop_column('etc_on')
        batch_op.drop_column('acquiring_on')
        batch_op.drop_column('mobile_banking_on')
    with op.batch_alter_table('metric', schema=None) as batch_op:
        batch_op.drop_column('position')
        batch_op.drop_column('basis_en')
        batch_op.drop_column('basis_zh')
        batch_op.drop_column('kind')
