"""The Markdown report on hand-built reports: exact text, and user text kept literal."""

# The reports write date ranges with an en dash on purpose.

from __future__ import annotations

import re

from promisecheck.assess.analysis import ItemRisk
from promisecheck.report import render
from promisecheck.report.estimate import markdown
from test_report_table import D, assessment, infeasible

EXPECTED = """\
### Bakery site: AT RISK

71 % chance of delivering Bakery site by Fri 28 May 2027; 85 % needs Wed 2 Jun 2027.

- **On time:** 71.2 % ± 1.6 by Fri 28 May 2027 (target 85 %, one standard error)
- **Must items:** 80.0 % on time
- **Simulated:** 800 trials, seed 7, PERT estimates; start Mon 5 Apr 2027, deadline Fri 28 May 2027
- **Client:** Huber

#### Finish, effort and cost

| Percentile | Finished by | Effort (h) | Cost (EUR) | Margin (EUR) |
|---|---|--:|--:|--:|
| P50 | Tue 25 May 2027 | 96 | 8,194 | 806 |
| P70 | Thu 27 May 2027 | 100 | 8,500 | 500 |
| P85 | Wed 2 Jun 2027 | 104 | 8,813 | 187 |
| P95 | Fri 4 Jun 2027 | 109 | 9,241 | **-241 (loss)** |

Price 9,000 EUR; margin is price minus cost.

#### Skills up to the deadline

| Skill | Demand (h) | Capacity (h) | Load |  | Members |
|---|--:|--:|--:|---|---|
| design | 24 | 77 | 32 % |  | Lena |
| frontend | 72 | 80 | 90 % | **◀ bottleneck** | Kai |

#### What sets the date

- Kai (frontend) is on the critical chain for 74 % of its length: working 66 %, waiting for Kai 8 %.
- Lena's time off (12–16 Apr 2027) is on the critical chain in 30 % of trials.
- Lena works part time (50 % allocation) and has items on the critical chain in 55 % of trials.

#### When the 800 trials finish

```text
Finished                                                   Share   By then
Mon 17 May – Sun 23 May 2027   ████████████████████████   45.0 %    45.0 %
Mon 24 May – Sun 30 May 2027   ███████████████████        35.0 %    80.0 %   ◀ deadline
Mon 31 May – Sun 6 Jun 2027    ███████████                20.0 %   100.0 %   ◀ 85 % reached
```

<details>
<summary>Items (3) and members (2)</summary>

**Items that set the finish date or risk the deadline**

| Item | Title | Priority | P50 finish | P85 finish | On time | Critical |
|---|---|---|---|---|--:|--:|
| `pages` | Build the pages | must | Wed 12 May 2027 | Tue 25 May 2027 | 90 % | 95 % |
| `design` | Page designs | must | Mon 19 Apr 2027 | Wed 21 Apr 2027 | 100 % | 55 % |
| `order-form` | Cake pre-order form | could | Tue 25 May 2027 | Wed 2 Jun 2027 | **71 %** | 40 % |

**Members**

| Member | Item work (h) | Available (h) | Utilisation | On chain | Weekly load |
|---|--:|--:|--:|--:|---|
| Kai | 72 | 90 | 80 % | 74 % | `█▇·▃` |
| Lena | 24 | 60 | 41 % | 26 % | `▅▂  ` |

On chain: the share of the critical chain's length (in team working days) spent working on it \
or waiting for that member, on average over the trials.

</details>

#### Warnings

- only 800 trials: the on-time probability is ±1.6 points (one standard error)
"""


def test_the_whole_report_reads_as_written() -> None:
    assert markdown.render(assessment()) == EXPECTED


def test_the_dispatcher_gives_the_same_markdown() -> None:
    assert render(assessment(), "markdown") == EXPECTED


def test_an_infeasible_promise_gives_its_reasons_and_no_dates_or_money() -> None:
    assert (
        markdown.render(infeasible())
        == """\
### Bakery site: INFEASIBLE

Cannot be delivered: nobody in the team has skill `desing` (needed by design); did you mean `design`?

- **Verdict:** INFEASIBLE: no trial finishes
- **Simulated:** 800 trials, seed 7, PERT estimates; start Mon 5 Apr 2027, deadline Fri 28 May 2027
- **Client:** Huber

#### Skills up to the deadline

| Skill | Demand (h) | Capacity (h) | Load |  | Members |
|---|--:|--:|--:|---|---|
| design | 24 | 77 | 32 % |  | Lena |
| frontend | 72 | 80 | 90 % | **◀ bottleneck** | Kai |
"""  # noqa: E501
    )


def test_without_rates_the_cost_columns_are_absent() -> None:
    text = markdown.render(assessment(cost=None, margin=None))
    assert (
        """\
#### Finish and effort

| Percentile | Finished by | Effort (h) |
|---|---|--:|
| P50 | Tue 25 May 2027 | 96 |
"""
        in text
    )
    assert "Cost" not in text
    assert "Margin" not in text
    assert "Price" not in text


def test_every_negative_margin_is_a_bold_loss() -> None:
    margin = {"p50": 10.0, "p70": -0.4, "p85": -0.6, "p95": -2500.0}
    text = markdown.render(assessment(margin=margin))
    assert "| P50 | Tue 25 May 2027 | 96 | 8,194 | 10 |" in text
    assert "| P70 | Thu 27 May 2027 | 100 | 8,500 | 0 |" in text
    assert "| P85 | Wed 2 Jun 2027 | 104 | 8,813 | **-1 (loss)** |" in text
    assert "| P95 | Fri 4 Jun 2027 | 109 | 9,241 | **-2,500 (loss)** |" in text


def test_user_text_is_literal_and_html_free() -> None:
    item = ItemRisk(
        id="a|b",
        title="<script>*x*</script> | [link](http://x)",
        priority="must",
        finish={"p50": D(2027, 5, 1), "p85": D(2027, 5, 2)},
        on_time_probability=1.0,
        criticality=1.0,
    )
    text = markdown.render(assessment(project="Shop_*v2* <b>", client="A & B", items=(item,)))
    assert text.startswith("### Shop\\_\\*v2\\* \\<b\\>: AT RISK\n")
    assert "- **Client:** A \\& B\n" in text
    assert "| `a\\|b` | \\<script\\>\\*x\\*\\</script\\> \\| \\[link\\](http://x) | must |" in text
    assert set(re.findall(r"(?<!\\)<(/?\w+)", text)) == {
        "details",
        "summary",
        "/summary",
        "/details",
    }


def test_code_spans_in_reasons_stay_code() -> None:
    assert markdown.prose("skill `data_eng` (needed by x_y)") == (
        "skill `data_eng` (needed by x\\_y)"
    )
    assert markdown.prose("one ` stray") == "one \\` stray"


def test_a_deadline_outside_the_chart_is_noted_in_it() -> None:
    text = markdown.render(assessment(deadline=D(2027, 6, 11)))
    assert (
        """\
Mon 31 May – Sun 6 Jun 2027    ███████████                20.0 %   100.0 %   ◀ 85 % reached
Deadline Fri 11 Jun 2027: later than every finish shown.
```
"""
        in text
    )


def test_without_items_to_show_the_fold_holds_the_members() -> None:
    quiet = ItemRisk(
        id="quiet",
        title=None,
        priority="must",
        finish={"p50": D(2027, 5, 1), "p85": D(2027, 5, 2)},
        on_time_probability=1.0,
        criticality=0.0,
    )
    text = markdown.render(assessment(items=(quiet,)))
    assert "<summary>Members (2)</summary>" in text
    assert "Items that set" not in text
