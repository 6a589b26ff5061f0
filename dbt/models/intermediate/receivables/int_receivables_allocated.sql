{#-
    One billing run's receivables (billing-rules.md sections 6-7), in the order the run applies them:
      1. reversals undo their payment (macros/reversal_undos.sql): the credit it still holds first,
         then its allocations, newest first, reopening the items (anything a reversal cannot undo is
         negative unapplied cash);
      2. pass 1: the period's payments and the credit carried in pay the open items first-in-first-out
         (macros/fifo_allocations.sql; written-off items are paid first like any older item: a recovery);
      3. approved write-offs move an account's overdue open items to bad debt, once per approval
         (macros/write_offs.sql);
      4. each invoice past due on the bill date gets a late charge on its unpaid amount without late
         charges (macros/late_charges.sql), billed on the account's invoice this run issues (a line of
         it: int_late_charge_lines) as that invoice's `late_charge` item, paid first within it; an
         account the run issues no invoice gets none this period (D68);
      5. pass 2: the period's issued invoice (its late charges and its charges) joins the open items
         and any credit left pays it.
    The state at the end of the run (open items and credits per payment) is this model's own rows
    of row_type open_item and credit, which the next period's run starts from.
    Grain: one row per period, row_type and what it is about (item, payment or both).
-#}

{#-
    Every row goes through one column list (macros/union_row_types.sql): each row_type fills the
    columns listed for it, from its relation `<row_type>_rows`; the others are null on its rows. The
    YAML says what each row_type is and tests that its rows hold to this.
-#}
{%- set columns = [
    ('account_id', 'text'),
    ('invoice_id', 'text'),
    ('component', 'text'),
    ('due_date', 'date'),
    ('payment_id', 'text'),
    ('event_date', 'date'),
    ('currency', 'text'),
    ('amount', 'numeric'),
    ('funded_from', 'text'),
    ('applied_to', 'text'),
    ('is_written_off', 'boolean'),
    ('source_id', 'text'),
    ('base_amount', 'numeric'),
] -%}
{%- set item_columns = ['account_id', 'invoice_id', 'component', 'due_date', 'event_date', 'currency', 'amount'] -%}
{%- set row_types = {
    'open_item': item_columns + ['is_written_off'],
    'credit': ['account_id', 'payment_id', 'event_date', 'currency', 'amount', 'applied_to', 'is_written_off'],
    'allocation': columns | map('first') | reject('equalto', 'base_amount') | list,
    'reversal': columns | map('first') | reject('equalto', 'base_amount') | list,
    'invoice': item_columns + ['applied_to', 'is_written_off', 'source_id'],
    'late_charge': item_columns + ['applied_to', 'is_written_off', 'source_id', 'base_amount'],
    'write_off': item_columns + ['applied_to', 'is_written_off', 'source_id'],
} -%}

with

payments as (
    select * from {{ ref('int_payments_matched') }}
    where period = {{ period() }}
),

issued_invoices as (
    select * from {{ ref('int_invoices') }}
    where period = {{ period() }} and status = 'issued'
),

invoices as (
    select * from issued_invoices
    where total_amount <> 0
),

payment_assignments as (
    select * from {{ ref('int_payment_assignments_latest') }}
),

payment_invoices as (
    select * from {{ ref('int_payment_names') }}
    where period = {{ period() }} and invoice_id is not null
),

write_off_decisions as (
    select * from {{ ref('int_write_off_decisions_latest') }}
),

{% if is_incremental() %}
    previous_state as (
        select * from {{ this }}
        where period = {{ previous_period(1) }} and row_type in ('open_item', 'credit')
    ),

    reversed_history as (
        select * from {{ this }}
        where
            row_type in ('allocation', 'reversal')
            and invoice_id is not null
            and period < {{ period() }}
            and payment_id in (select payments.reversed_payment_id from payments)
    ),

    applied_write_offs as (
        select source_id from {{ this }}
        where row_type = 'write_off' and period < {{ period() }}
    ),
{% else %}
    previous_state as (
        {{ empty_like_columns() }}
    ),

    reversed_history as (
        select * from previous_state
    ),

    applied_write_offs as (
        select source_id from previous_state
    ),
{% endif %}

write_off_approvals as (
    select
        decision_id::text as decision_id,
        billing_account_id as account_id
    from write_off_decisions
    where
        decision = 'approve'
        and decision_id::text not in (select applied_write_offs.source_id from applied_write_offs)
),

-- 1. Reversals --------------------------------------------------------------------------------

credits_in as (
    select
        payment_id,
        account_id,
        event_date as paid_on,
        currency,
        amount,
        'customer_credits' as funded_from
    from previous_state
    where row_type = 'credit'
    union all
    select
        payment_id,
        account_id,
        paid_on,
        currency,
        amount,
        'bank' as funded_from
    from payments
    where entry_kind = 'credit'
),

reversals as (
    select * from payments
    where entry_kind = 'reversal'
),

reversal_undos as (
    {{ reversal_undos('reversals', 'credits_in', 'reversed_history') }}
),

undone_credits as (
    select
        payment_id,
        account_id,
        sum(undone_amount) as amount
    from reversal_undos
    where piece_order = 0
    group by payment_id, account_id
),

credits_left as (
    select
        credits_in.payment_id,
        credits_in.account_id,
        credits_in.paid_on,
        credits_in.currency,
        credits_in.amount - coalesce(undone.amount, 0) as amount,
        credits_in.funded_from
    from credits_in
    left join undone_credits as undone
        on credits_in.payment_id = undone.payment_id and credits_in.account_id is not distinct from undone.account_id
),

-- A reviewer's decision (D78) applies to unapplied cash and to the run's own payments: one account
-- takes the whole credit, a split only when its amounts add up to the credit.
assignable as (
    select * from credits_left
    where account_id is null or funded_from = 'bank'
),

valid_assignments as (
    select distinct
        assignable.payment_id,
        assignable.account_id as credit_account_id
    from assignable
    inner join payment_assignments
        on assignable.payment_id = payment_assignments.payment_id
    where
        payment_assignments.assigned_amount is null  -- a whole-payment decision is one row
        or payment_assignments.split_total = assignable.amount
),

assigned_credits as (
    select
        assignable.payment_id,
        payment_assignments.billing_account_id as account_id,
        assignable.paid_on,
        assignable.currency,
        coalesce(payment_assignments.assigned_amount, assignable.amount) as amount,
        assignable.funded_from
    from assignable
    inner join valid_assignments
        on
            assignable.payment_id = valid_assignments.payment_id
            and assignable.account_id is not distinct from valid_assignments.credit_account_id
    inner join payment_assignments
        on assignable.payment_id = payment_assignments.payment_id
),

unassigned_credits as (
    select * from credits_left
    where not exists (
        select 1 from valid_assignments
        where
            valid_assignments.payment_id = credits_left.payment_id
            and valid_assignments.credit_account_id is not distinct from credits_left.account_id
    )
),

carried_items as (
    select * from previous_state
    where row_type = 'open_item'
),

reopened_items as (
    select
        invoice_id,
        component,
        account_id,
        due_date,
        currency,
        sum(undone_amount) as amount,
        false as is_written_off
    from reversal_undos
    where piece_order = 1 and undone_amount > 0
    group by invoice_id, component, account_id, due_date, currency
),

items_start as (
    {{ merge_open_items(['carried_items', 'reopened_items']) }}
),

-- A payment naming several invoices pays each up to its open amount, oldest first (D77).
named_credits as (
    {{ named_invoice_splits('unassigned_credits', 'payment_invoices', 'items_start') }}
),

credits as (
    select * from assigned_credits
    union all
    select * from named_credits
),

-- 2. Pass 1 -----------------------------------------------------------------------------------

allocations_1 as (
    {{ fifo_allocations('credits', 'items_start') }}
),

items_after_1 as (
    {{ fifo_unpaid_items('items_start', 'allocations_1') }}
),

credits_after_1 as (
    {{ fifo_unused_cash('credits', 'allocations_1') }}
),

-- 3. Write-offs -------------------------------------------------------------------------------

write_offs as (
    {{ write_offs('items_after_1', 'write_off_approvals') }}
),

items_after_write_offs as (
    select
        items_after_1.invoice_id,
        items_after_1.component,
        items_after_1.account_id,
        items_after_1.due_date,
        items_after_1.currency,
        items_after_1.amount,
        items_after_1.is_written_off or write_offs.invoice_id is not null as is_written_off
    from items_after_1
    left join write_offs
        on items_after_1.invoice_id = write_offs.invoice_id and items_after_1.component = write_offs.component
),

-- 4. Late charges -----------------------------------------------------------------------------

assessed_late_charges as (
    {{ late_charges('items_after_write_offs') }}
),

-- Billed on the invoice this run issues the account: an item of that invoice, due with it.
late_charges as (
    select
        issued_invoices.invoice_id,
        'late_charge' as component,
        assessed.account_id,
        issued_invoices.due_date,
        assessed.currency,
        assessed.amount,
        false as is_written_off,
        assessed.invoice_id as charged_invoice_id,
        assessed.base_amount
    from assessed_late_charges as assessed
    inner join issued_invoices
        on assessed.account_id = issued_invoices.account_id and assessed.currency = issued_invoices.currency
),

-- 5. Pass 2 -----------------------------------------------------------------------------------

invoiced_items as (
    select
        invoice_id,
        'charges' as component,
        account_id,
        due_date,
        currency,
        total_amount as amount,
        false as is_written_off
    from invoices
    where total_amount > 0
),

items_before_2 as (
    {{ merge_open_items(['items_after_write_offs', 'late_charges', 'invoiced_items']) }}
),

-- A released invoice with a negative total is a credit note: credit for the account.
credits_before_2 as (
    select * from credits_after_1
    union all
    select
        invoice_id as payment_id,
        account_id,
        {{ period_end() }} as paid_on,
        currency,
        -total_amount as amount,
        'customer_credits' as funded_from
    from invoices
    where total_amount < 0
),

open_items_before_2 as (
    select * from items_before_2
    where not is_written_off
),

allocations_2 as (
    {{ fifo_allocations('credits_before_2', 'open_items_before_2') }}
),

items_after_2 as (
    {{ fifo_unpaid_items('items_before_2', 'allocations_2') }}
),

credits_after_2 as (
    {{ fifo_unused_cash('credits_before_2', 'allocations_2') }}
),

-- Rows: one relation per row_type, with the columns its YAML entry lists ----------------------------

open_item_rows as (
    select
        account_id,
        invoice_id,
        component,
        due_date,
        {{ period_end() }} as event_date,
        currency,
        amount,
        is_written_off
    from items_after_2
    where is_written_off or amount > 0
),

-- Credit per payment; a reversal's rest (nothing left to undo) is negative unapplied cash.
credit_rows as (
    select
        account_id,
        payment_id,
        paid_on as event_date,
        currency,
        amount,
        'customer_credits' as applied_to,
        false as is_written_off
    from credits_after_2
    where amount <> 0
    union all
    select
        null::text as account_id,
        reversal_undos.payment_id,
        reversals.paid_on as event_date,
        reversal_undos.currency,
        -reversal_undos.undone_amount as amount,
        'customer_credits' as applied_to,
        false as is_written_off
    from reversal_undos
    inner join reversals
        on reversal_undos.reversal_id = reversals.payment_id
    where reversal_undos.piece_order = 2 and reversal_undos.undone_amount > 0
),

allocation_rows as (
    select
        allocations_1.account_id,
        allocations_1.invoice_id,
        allocations_1.component,
        allocations_1.due_date,
        allocations_1.payment_id,
        case when allocations_1.funded_from = 'bank' then payments.paid_on else {{ period_end() }} end
            as event_date,
        allocations_1.currency,
        allocations_1.amount,
        allocations_1.funded_from,
        case when allocations_1.is_written_off then 'recoveries' else 'accounts_receivable' end as applied_to,
        allocations_1.is_written_off,
        '1' as source_id
    from allocations_1
    left join payments
        on allocations_1.payment_id = payments.payment_id
    union all
    select
        account_id,
        invoice_id,
        component,
        due_date,
        payment_id,
        {{ period_end() }} as event_date,
        currency,
        amount,
        funded_from,
        'accounts_receivable' as applied_to,
        is_written_off,
        '2' as source_id
    from allocations_2
),

-- An undone allocation debits what it credited: receivables, or bad debt if the item has been
-- written off since, or recoveries; an undone credit, and a reversal's rest, debit customer credits.
reversal_rows as (
    select
        reversal_undos.account_id,
        reversal_undos.invoice_id,
        reversal_undos.component,
        reversal_undos.due_date,
        reversal_undos.payment_id,
        reversals.paid_on as event_date,
        reversal_undos.currency,
        -reversal_undos.undone_amount as amount,
        'bank' as funded_from,
        case
            when reversal_undos.applied_to = 'accounts_receivable' and items_start.is_written_off
                then 'bad_debt_expense'
            else reversal_undos.applied_to
        end as applied_to,
        coalesce(items_start.is_written_off, false) as is_written_off,
        reversal_undos.reversal_id as source_id
    from reversal_undos
    inner join reversals
        on reversal_undos.reversal_id = reversals.payment_id
    left join items_start
        on reversal_undos.invoice_id = items_start.invoice_id and reversal_undos.component = items_start.component
    where reversal_undos.undone_amount > 0
),

invoice_rows as (
    select
        account_id,
        invoice_id,
        'charges' as component,
        due_date,
        {{ period_end() }} as event_date,
        currency,
        total_amount as amount,
        case when total_amount > 0 then 'accounts_receivable' else 'customer_credits' end as applied_to,
        false as is_written_off,
        invoice_id as source_id
    from invoices
),

late_charge_rows as (
    select
        account_id,
        invoice_id,
        component,
        due_date,
        {{ period_end() }} as event_date,
        currency,
        amount,
        'accounts_receivable' as applied_to,
        false as is_written_off,
        charged_invoice_id as source_id,
        base_amount
    from late_charges
),

write_off_rows as (
    select
        account_id,
        invoice_id,
        component,
        due_date,
        {{ period_end() }} as event_date,
        currency,
        amount,
        'accounts_receivable' as applied_to,
        true as is_written_off,
        decision_id as source_id
    from write_offs
),

all_rows as (
    {{ union_row_types(row_types, columns) }}
),

final as (
    select
        {{ period() }} as period,
        all_rows.*
    from all_rows
    where {{ period_is_open() }}
)

select * from final
