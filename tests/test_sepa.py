"""SEPA: the invoices' ISO 11649 payment references (D80)."""

from __future__ import annotations

import json
import random
import string

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

from tests.dbt_runner import run_dbt


def _invoice_numbers() -> list[str]:
    """Invoice numbers as int_invoices makes them ('INV-' || yyyymm || '-' || account id), short and long."""
    rng = random.Random(11649)
    alphabet = string.ascii_letters + string.digits + "-_. /"
    numbers = ["INV-202401-ACC00001", "INV-202412-A", "INV-202602-" + "Z" * 30]
    for _ in range(200):
        account = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
        numbers.append(f"INV-{rng.randint(2020, 2030)}{rng.randint(1, 12):02d}-{account.strip() or 'X'}")
    return numbers


def test_payment_reference_macro_agrees_with_stdnum(fresh_db: str) -> None:
    """The SQL macros give every invoice number an ISO 11649 reference python-stdnum accepts.

    Worked example: 'INV-202401-ACC00001' -> creditor reference 'INV202401ACC00001'; with 'RF00'
    appended and letters expanded (I=18 N=23 V=31 A=10 C=12 R=27 F=15) it reads
    18233120240110121200001271500, which is 71 mod 97, so the check digits are 98 - 71 = 27:
    RF27INV202401ACC00001. stdnum computes the check digits independently (ISO 7064 MOD 97-10).
    """
    numbers = _invoice_numbers()
    rows = ", ".join("('" + n.replace("'", "''") + "')" for n in numbers)
    inline = (
        "select v as invoice_id, {{ iso11649_reference(invoice_creditor_reference('v')) }} as payment_reference "
        f"from (values {rows}) as t(v)"
    )
    shown = run_dbt(fresh_db, "show", "--inline", inline, "--limit", str(len(numbers)), "--output", "json", "--quiet")
    assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-2000:]
    result = json.loads(shown.stdout[shown.stdout.index("{") :])["show"]
    references = {row["invoice_id"]: row["payment_reference"] for row in result}
    assert len(references) == len(numbers)
    for number, reference in references.items():
        assert iso11649.is_valid(reference), (number, reference)
        body = "".join(c for c in number.upper() if c.isalnum())
        if len(body) <= 21:
            assert reference == "RF" + mod_97_10.calc_check_digits(body + "RF") + body
        else:
            assert len(reference) == 25 and reference[4:7] == "INV" and reference[7:13] == number[4:10]
    assert references["INV-202401-ACC00001"] == "RF27INV202401ACC00001"
