"""Plain-text rendering of an ``EvalReport``: the figures against their targets, then where it went wrong."""

from __future__ import annotations

from pathlib import Path

from services.evaluation.metrics import ENTITY_TYPES
from services.evaluation.report import TARGETS, EvalReport

#: Figures shown without a target, for context next to the targeted ones.
_CONTEXT = (
    *("topics.any_match", "entities.f1", "entities.macro_precision", "entities.macro_recall"),
    *("money.f1", "percentages.f1", "dates.precision"),
)


def render(report: EvalReport, details: bool = False) -> str:
    """The report as aligned text; ``details`` adds the commonest errors and each article's misses."""
    figures = report.figures()
    lines = [f"== {report.name}: {len(report.articles)} articles", f"{'figure':<26} {'value':>6}  target"]
    for name, value, limit, passed in report.targets():
        lines.append(f"{name:<26} {value:>6.3f}  >= {limit:.2f}  {'pass' if passed else 'FAIL'}")
    lines += [f"{name:<26} {figures[name]:>6.3f}" for name in _CONTEXT]
    lines += ["", f"{'entity type':<14} {'gold':>5} {'pred':>5} {'prec':>6} {'recall':>6}"]
    for kind in ENTITY_TYPES:
        match = report.total(kind)
        lines.append(
            f"{kind:<14} {match.gold:>5} {match.predicted:>5} {match.precision:>6.3f} {match.recall:>6.3f}"
        )
    lines += ["", f"{'ms/article':<14} {'mean':>7} {'p50':>7} {'p95':>7} {'max':>7}"]
    for stage, t in report.timings().items():
        lines.append(f"{stage:<14} {t['mean']:>7.2f} {t['p50']:>7.2f} {t['p95']:>7.2f} {t['max']:>7.2f}")
    rejected = [a.id for a in report.articles if a.rejected]
    if rejected:
        lines.append(f"rejected by the pipeline (scored as empty): {', '.join(rejected)}")
    if details:
        lines += _errors(report)
    return "\n".join(lines)


def _errors(report: EvalReport) -> list[str]:
    lines = []
    for kind, counts in report.commonest_errors().items():
        if counts:
            lines += ["", f"commonest {kind}:"]
            lines += [f"  {n:>3}  {text}" for text, n in counts]
    lines += ["", "per article (gold topics | predicted topics; then what was missed (-) or spurious (+)):"]
    for a in report.articles:
        lines.append(f"- {a.id}: {', '.join(a.gold_topics)} | {', '.join(a.predicted_topics) or '(none)'}")
        fields = {
            "entities": a.entities.total,
            "money": a.money,
            "percentages": a.percentages,
            "dates": a.dates,
        }
        for name, match in fields.items():
            if match.missed or match.spurious:
                wrong = [f"-{m}" for m in match.missed] + [f"+{s}" for s in match.spurious]
                lines.append(f"    {name}: {'; '.join(wrong)}")
    return lines


def summary(reports: list[EvalReport]) -> str:
    """One line per report and target, then per entity type: the figures side by side."""
    head = f"{'target':<30}" + "".join(f" {Path(r.name).stem[:18]:>18}" for r in reports)
    rows = [head]
    for name, limit in TARGETS.items():
        cells = "".join(
            f" {r.figures()[name]:>13.3f} {'ok' if r.figures()[name] >= limit else 'FAIL':>4}"
            for r in reports
        )
        rows.append(f"{name + ' >= ' + format(limit, '.2f'):<30}{cells}")
    for kind in ENTITY_TYPES:
        totals = [r.total(kind) for r in reports]
        cells = "".join(f" {f'{t.precision:.3f} / {t.recall:.3f}':>18}" for t in totals)
        rows.append(f"{kind + ' precision / recall':<30}{cells}")
    return "\n".join(rows)
