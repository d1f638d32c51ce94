#!/usr/bin/env python3
"""Regenerates the tables of docs/benchmarks.md that combine several `mlrollout bench` runs, from their judges.csv.

The per-model sections are the --all run's own judges.md, one heading level down. Each other table is found by its
header row and its rows are replaced; prose around them is left alone, so read `check`'s diff and update the prose
that quotes a changed figure. The Targets tables are written by hand from the same figures.

    python3 scripts/bench-tables.py check docs/benchmarks.md --all DIR [--p95 DIR] [--s100 DIR] [--m2 DIR]
        [--m5 DIR --m95 DIR]
    python3 scripts/bench-tables.py write docs/benchmarks.md ...

The runs, as benchmarks.md names them (each with --runs 1000 --threads 2 unless said):
    --all   --all-scenarios
    --p95   --all-scenarios --quantile 0.95
    --s100  --all-scenarios --slow-threshold 100 --traffic poisson,autocorrelated
    --m2    --runs 2000 --at-the-margin --traffic autocorrelated,production
    --m5    --at-the-margin --traffic poisson,overdispersed,bursty,shared-shift,low-traffic
    --m95   --at-the-margin --quantile 0.95
"""
import argparse
import csv
import difflib
import re
from decimal import ROUND_HALF_UP, Decimal

LEVELS = ['2', '20', '200']
MODELS = ['poisson', 'overdispersed', 'bursty', 'shared-shift', 'autocorrelated', 'low-traffic', 'production']
DRIFTING = ('autocorrelated', 'production')
TUNED = 'kayenta (tuned to 1%)'
AT_THE_MARGINS = 'kayenta (tuned to 1% at the margins)'
ONE_LOOK = 'clairvoyant (one look at minute 60)'
SLOW_POLICY = 'ours (p99 + slow-requests)'
NOT_REACHED = float('inf')


def load(folder):
    """A run's cells by (traffic model, scenario, canary req/s, judge)."""
    with open(folder + '/judges.csv') as f:
        return {(r['traffic_model'], r['scenario'], r['canary_rps'], r['judge']): r for r in csv.DictReader(f)}


def rounded(value, places):
    """As the bench's Java formatting rounds: half up."""
    return str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def percent(fraction, places=1):
    return rounded(100 * float(fraction), places) + '%'


def places(cell):
    """Two decimals where a cell has 2000 rollouts or more, as the tables of those runs show them."""
    return 2 if int(cell['runs']) >= 2000 else 1


def rolled_back(cell):
    return percent(cell['rollback_rate'], places(cell))


def with_interval(cell):
    p = places(cell)
    low, high = (rounded(100 * float(cell[k]), p) for k in ('rollback_ci_low', 'rollback_ci_high'))
    return f"{percent(cell['rollback_rate'], p)} [{low}–{high}%]"


def share_of_runs(cell, column):
    return percent(int(cell[column]) / int(cell['runs']))


def median(cell):
    return cell['median_min'] or '>70'


def median_minutes(cell):
    return float(cell['median_min']) if cell['median_min'] else NOT_REACHED


def caught(cell):
    return f'{rolled_back(cell)} · {median(cell)}'


def at_each_level(run, model, scenario, judge, show):
    return ' / '.join(show(run[(model, scenario, level, judge)]) for level in LEVELS)


def at_least_as_good(ours, theirs):
    """Issue 16's rule: caught at least as often, with a median no longer."""
    return (float(ours['rollback_rate']) >= float(theirs['rollback_rate'])
            and median_minutes(ours) <= median_minutes(theirs))


def target(run, model, scenario, ours):
    return ' / '.join('met' if at_least_as_good(run[(model, scenario, level, ours)], run[(model, scenario, level, TUNED)])
                      else '**not met**' for level in LEVELS)


def row(*cells):
    return '| ' + ' | '.join(cells) + ' |'


def header(*cells):
    return [row(*cells), '|' + '---|' * len(cells)]


def latency_tables(run, quantile):
    """Issue 16's section: A/A of the single-quantile policy, then +10% and +25% against the other judges."""
    ours = f'ours ({quantile} only)'
    target_column = "target (rate ≥ and median ≤ tuned Kayenta's) at 2 / 20 / 200"
    if quantile == 'p99':
        tables = [header('traffic model', 'ours (p99 only): A/A false rollbacks [95% CI] at 2 / 20 / 200 req/s',
                         'A/A inconclusive')
                  + [row(f'`{m}`', at_each_level(run, m, 'A/A', ours, with_interval),
                         at_each_level(run, m, 'A/A', ours, lambda c: share_of_runs(c, 'inconclusive')))
                     for m in MODELS]]
        others = [TUNED, 'kayenta', 'clairvoyant', ONE_LOOK, 'oracle']
        names = ['Kayenta-style tuned to 1%', 'Kayenta-style (default)', 'clairvoyant', 'clairvoyant, one look', 'oracle']
    else:
        tables = [header('traffic model', f'ours ({quantile} only): A/A [95% CI] at 2 / 20 / 200 req/s',
                         'Kayenta-style tuned to 1%: A/A')
                  + [row(f'`{m}`', at_each_level(run, m, 'A/A', ours, with_interval),
                         at_each_level(run, m, 'A/A', TUNED, rolled_back)) for m in MODELS]]
        others = [TUNED, 'clairvoyant', ONE_LOOK, 'oracle']
        names = ['Kayenta-style tuned to 1%', 'clairvoyant', 'clairvoyant, one look', 'oracle']
    for effect in ('+10%', '+25%'):
        scenario = f'{quantile} {effect}'
        table = header('traffic model', f'{scenario}: ours ({quantile} only) at 2 / 20 / 200 req/s', *names,
                       target_column)
        for m in MODELS:
            judged = [at_each_level(run, m, scenario, j, caught) for j in [ours] + others]
            table.append(row(f'`{m}`', *judged, target(run, m, scenario, ours)))
        tables.append(table)
    return tables


def errors_table(run):
    """Issue 15's section: the slow-requests policy's A/A and doubled errors, with the others' medians beside."""
    def doubled(model, level):
        others = '; '.join(median(run[(model, 'errors 2x', level, j)]) for j in ('oracle', TUNED, 'clairvoyant'))
        return f"{caught(run[(model, 'errors 2x', level, SLOW_POLICY)])} ({others})"
    table = header('traffic model', 'A/A false rollbacks [95% CI] at 2 / 20 / 200 req/s', 'A/A inconclusive',
                   '2× errors promoted',
                   '2× errors rolled back · median min (oracle; Kayenta-style tuned; clairvoyant)')
    for m in MODELS:
        table.append(row(f'`{m}`', at_each_level(run, m, 'A/A', SLOW_POLICY, with_interval),
                         at_each_level(run, m, 'A/A', SLOW_POLICY, lambda c: share_of_runs(c, 'inconclusive')),
                         at_each_level(run, m, 'errors 2x', SLOW_POLICY, lambda c: share_of_runs(c, 'promoted')),
                         ' / '.join(doubled(m, level) for level in LEVELS)))
    return table


def slow_requests_over_100ms_table(run):
    def healthy(cell):
        inconclusive = f" ({share_of_runs(cell, 'inconclusive')} inc.)" if int(cell['inconclusive']) else ''
        return rolled_back(cell) + inconclusive
    table = header('traffic model', 'scenario', 'ours (p99 + slow-requests over 100 ms) at 2 / 20 / 200 req/s',
                   'ours (p99 only)')
    for m in ('poisson', 'autocorrelated'):
        for scenario in ('A/A', 'errors 2x', 'p99 +10%', 'p99 +25%'):
            show = healthy if scenario == 'A/A' else caught
            table.append(row(f'`{m}`', scenario, at_each_level(run, m, scenario, SLOW_POLICY, show),
                             at_each_level(run, m, scenario, 'ours (p99 only)', show)))
    return table


def margin_table(run):
    """Candidates at the margin under the two drifting models, 2000 rollouts a cell."""
    table = header('traffic model', 'scenario', 'ours (p99 only) at 2 / 20 / 200 req/s', 'ours (p99 + slow-requests)',
                   'clairvoyant', 'Kayenta-style tuned to 1%')
    for m in DRIFTING:
        for scenario in ('A/A', 'errors 1.1x', 'p99 +5%'):
            others = [at_each_level(run, m, scenario, j, rolled_back) for j in (SLOW_POLICY, 'clairvoyant', TUNED)]
            table.append(row(f'`{m}`', scenario, at_each_level(run, m, scenario, 'ours (p99 only)', with_interval),
                             *others))
    return table


def held_to_the_margins_tables(tidy_margin, drifting_margin, p95_margin, p99_all, p95_all):
    at_the_margins = header('traffic model', 'candidate',
                            'ours at 2 / 20 / 200 req/s (errors: with slow requests; latency: the single-quantile '
                            'policy)', 'Kayenta-style tuned to 1%', 'Kayenta-style tuned to 1% at the margins')
    for m in MODELS:
        margin = drifting_margin if m in DRIFTING else tidy_margin
        for scenario, ours, run in (('errors 1.1x', SLOW_POLICY, margin), ('p99 +5%', 'ours (p99 only)', margin),
                                    ('p95 +5%', 'ours (p95 only)', p95_margin)):
            judged = [at_each_level(run, m, scenario, j, rolled_back) for j in (ours, TUNED, AT_THE_MARGINS)]
            at_the_margins.append(row(f'`{m}`', scenario, *judged))
    regressions = header('traffic model', 'scenario', 'ours at 2 / 20 / 200 req/s', 'Kayenta-style held to the margins')
    for m in MODELS:
        for scenario, ours, run in (('errors 2x', SLOW_POLICY, p99_all), ('errors 1.5x', SLOW_POLICY, p99_all),
                                    ('p99 +25%', 'ours (p99 only)', p99_all), ('p99 +10%', 'ours (p99 only)', p99_all),
                                    ('p95 +25%', 'ours (p95 only)', p95_all), ('p95 +10%', 'ours (p95 only)', p95_all)):
            regressions.append(row(f'`{m}`', scenario, at_each_level(run, m, scenario, ours, caught),
                                   at_each_level(run, m, scenario, AT_THE_MARGINS, caught)))
    return [at_the_margins, regressions]


def replace_table(doc, table):
    """The document with the table whose header row is table[0] replaced by table."""
    lines = doc.split('\n')
    found = [i for i, line in enumerate(lines) if line == table[0]]
    if len(found) != 1:
        raise SystemExit(f'the header row is in the document {len(found)} times: {table[0][:100]}')
    end = found[0]
    while end < len(lines) and lines[end].startswith('|'):
        end += 1
    return '\n'.join(lines[:found[0]] + table + lines[end:])


def with_per_model_sections(doc, judges_md):
    with open(judges_md) as f:
        sections = re.sub(r'^### ', '#### ', f.read().rstrip('\n'), flags=re.M)
    start = doc.index('#### Traffic model `poisson`')
    end = doc.index('\n![Rollback rates')
    return doc[:start] + sections + '\n' + doc[end:]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('mode', choices=['check', 'write'])
    parser.add_argument('doc')
    parser.add_argument('--all', required=True)
    for run in ('p95', 's100', 'm2', 'm5', 'm95'):
        parser.add_argument('--' + run)
    args = parser.parse_args()
    p99_all = load(args.all)
    tables = latency_tables(p99_all, 'p99') + [errors_table(p99_all)]
    if args.p95:
        tables += latency_tables(load(args.p95), 'p95')
    if args.s100:
        tables.append(slow_requests_over_100ms_table(load(args.s100)))
    if args.m2:
        tables.append(margin_table(load(args.m2)))
    if args.m2 and args.m5 and args.m95 and args.p95:
        tables += held_to_the_margins_tables(load(args.m5), load(args.m2), load(args.m95), p99_all, load(args.p95))
    with open(args.doc) as f:
        doc = f.read()
    updated = doc
    for table in tables:
        updated = replace_table(updated, table)
    updated = with_per_model_sections(updated, args.all + '/judges.md')
    if args.mode == 'write':
        with open(args.doc, 'w') as f:
            f.write(updated)
        return
    diff = list(difflib.unified_diff(doc.split('\n'), updated.split('\n'), 'docs', 'regenerated', lineterm='', n=0))
    print('\n'.join(diff) if diff else 'identical')


if __name__ == '__main__':
    main()
