import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from coaching.evaluation import (
    LEVELS,
    Evaluation,
    evaluation_compute,
    gold_load,
    pairs_from_gold,
    pairs_from_manager_reviews,
)
from core.progress import progress_bar

DEFAULT_OUT = settings.BASE_DIR / "bench" / "results"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


class Command(BaseCommand):
    help = (
        "Agreement of stored AI scores with a reference (simulator gold labels or manager overrides): QWK, exact "
        "and ±1 agreement, Pearson r and a confusion matrix per dimension, next to a constant-score baseline."
    )

    def add_arguments(self, parser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--gold", metavar="FILE", help="gold labels from the Gong simulator (callcoach-gold/1)")
        source.add_argument("--manager-reviews", action="store_true", help="managers' scores as the reference")
        source.add_argument(
            "--gong-scorecards", action="store_true", help="managers' Gong scorecards (mapped) as the reference"
        )
        source.add_argument(
            "--repeat",
            type=int,
            metavar="N",
            help="test-retest: re-score a sample of analysed calls N times bypassing the result cache",
        )
        parser.add_argument("--sample", type=int, default=10, help="calls to re-score with --repeat (most recent)")
        parser.add_argument("--analyzer", choices=["offline", "claude"], help="only scores from this analyzer")
        parser.add_argument("--out", help=f"JSON file to write (default {DEFAULT_OUT}/evaluate_scorer_<source>.json)")

    def handle(self, *args, **options) -> None:
        analyzer = options["analyzer"]
        if options["repeat"] is not None:
            return self._retest(options["repeat"], options["sample"], options["out"])
        if options["gong_scorecards"]:
            return self._gong_scorecards(analyzer, options["out"])
        if options["gold"]:
            try:
                gold = gold_load(options["gold"])
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read gold file: {exc}") from exc
            with progress_bar(stream=self.stdout, label="matching gold labels", total=len(gold)) as update:
                pairs, unmatched = pairs_from_gold(gold=gold, analyzer=analyzer, progress=update)
            source = "gold"
        else:
            pairs, unmatched, source = pairs_from_manager_reviews(analyzer=analyzer), 0, "manager_reviews"
        evaluation = evaluation_compute(pairs=pairs, source=source, analyzer=analyzer or "any", unmatched=unmatched)
        self._print(evaluation)
        out = Path(options["out"]) if options["out"] else DEFAULT_OUT / f"evaluate_scorer_{source}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(evaluation.as_dict(), indent=2) + "\n", encoding="utf-8")
        overall = evaluation.overall
        self.stdout.write(
            f"evaluate_scorer: {source}, analyzer {evaluation.analyzer}: {overall.scorer.n} pairs, QWK "
            f"{_fmt(overall.scorer.qwk)} (baseline {_fmt(overall.baseline.qwk)}), "
            f"±1 {_fmt(overall.scorer.within_one)}; "
            f"N/A disagreements: scored where the reference says N/A {overall.na_reference_only}, N/A where the "
            f"reference scored {overall.na_scorer_only} (both N/A {overall.na_both}); "
            f"{unmatched} reference items without scores; JSON: {out}"
        )

    def _print(self, evaluation: Evaluation) -> None:
        console = Console(file=self.stdout, width=140, force_terminal=False)
        table = Table(title=f"Scorer vs {evaluation.source} (analyzer: {evaluation.analyzer})")
        for column in ("dimension", "n", "QWK", "exact", "±1", "Pearson r", "N/A both/ref/scorer", "baseline"):
            table.add_column(column, justify="left" if column == "dimension" else "right")
        for row in [*evaluation.dimensions, evaluation.overall]:
            base = row.baseline
            table.add_row(
                row.dimension,
                str(row.scorer.n),
                _fmt(row.scorer.qwk),
                _fmt(row.scorer.exact),
                _fmt(row.scorer.within_one),
                _fmt(row.scorer.pearson_r),
                f"{row.na_both}/{row.na_reference_only}/{row.na_scorer_only}",
                f"{row.baseline_level or 'per-dim'}: QWK {_fmt(base.qwk)} exact {_fmt(base.exact)} ±1 "
                f"{_fmt(base.within_one)}",
            )
        console.print(table)
        for row in evaluation.dimensions:
            if not row.scorer.n:
                continue
            console.print(f"{row.dimension}: rows = reference level, columns = scorer level")
            matrix = Table()
            matrix.add_column("ref \\ scorer")
            for level in LEVELS:
                matrix.add_column(str(level), justify="right")
            for level, counts in zip(LEVELS, row.confusion, strict=True):
                matrix.add_row(str(level), *(str(count) for count in counts))
            console.print(matrix)

    def _gong_scorecards(self, analyzer: str | None, out: str | None) -> None:
        from coaching.calibration.agreement import scorecard_agreement_report
        from coaching.calibration.console import scorecard_agreement_print

        report = scorecard_agreement_report(analyzer=analyzer)
        scorecard_agreement_print(report, out=self.stdout)
        path = Path(out) if out else DEFAULT_OUT / "evaluate_scorer_gong_scorecards.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report.as_dict(), indent=2, default=str) + "\n", encoding="utf-8")
        current = report.current()
        pairs = sum(row.n for row in current)
        self.stdout.write(
            f"evaluate_scorer: gong_scorecards, analyzer {analyzer or 'any'}: {report.references} reference scores, "
            f"{pairs} scored pairs on the current scorer version, {report.unmatched} without AI scores, "
            f"{len(report.unmapped)} questions not mapped; JSON: {path}"
        )

    def _retest(self, repeats: int, sample: int, out: str | None) -> None:
        from analysis.services.context import analyzer_current
        from coaching.retest import retest_sample, scorer_retest

        if repeats < 2 or sample < 1:
            raise CommandError("--repeat needs N ≥ 2 runs and --sample at least 1 call")
        analyzer = analyzer_current()
        calls = retest_sample(analyzer=analyzer, size=sample)
        if not calls:
            raise CommandError(f"no analysed calls by the {analyzer} analyzer to re-score")
        with progress_bar(stream=self.stdout, label="re-scoring", total=len(calls) * repeats) as update:
            retest = scorer_retest(call_ids=calls, repeats=repeats, analyzer=analyzer, progress=update)
        console = Console(file=self.stdout, width=140, force_terminal=False)
        table = Table(title=f"Test-retest: {len(calls)} calls × {repeats} runs (analyzer: {analyzer}, cache bypassed)")
        for column in (
            "dimension",
            "items",
            "all runs agree",
            "exact (pairs)",
            "±1 (pairs)",
            "QWK run 1 vs 2",
            "N/A split",
        ):
            table.add_column(column, justify="left" if column == "dimension" else "right")
        for row in retest.dimensions:
            table.add_row(
                row.dimension,
                str(row.items),
                _fmt(row.all_runs_agree),
                _fmt(row.pair_exact),
                _fmt(row.pair_within_one),
                _fmt(row.qwk_first_two),
                str(row.na_disagreements),
            )
        console.print(table)
        for error in retest.errors:
            self.stdout.write(f"  not re-scored: {error}")
        path = Path(out) if out else DEFAULT_OUT / "evaluate_scorer_retest.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(retest.as_dict(), indent=2) + "\n", encoding="utf-8")
        agree = [row.all_runs_agree for row in retest.dimensions if row.all_runs_agree is not None]
        self.stdout.write(
            f"evaluate_scorer: retest, analyzer {analyzer}: {len(calls)} calls × {repeats} runs, all runs agree on "
            f"{_fmt(min(agree) if agree else None)}–{_fmt(max(agree) if agree else None)} of items per dimension; "
            f"{len(retest.errors)} errors; JSON: {path}"
        )
