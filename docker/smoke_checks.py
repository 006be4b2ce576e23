#!/usr/bin/env python3
"""Checks of docker/smoke.sh on what a composition left behind: logs and the central's store.

    python3 docker/smoke_checks.py run LOG_DIR DATA_DIR N
        LOG_DIR holds server.log and client1.log .. clientN.log (the part of each container's log that
        belongs to the run being checked); DATA_DIR holds agency-1.csv .. agency-N.csv, the input.
        Checks, as CONTRACT.md words them: each agency logged exactly one winners line, with as many
        winners as its file has bets on 7574; no `result: fail` line anywhere; the central's
        `apuesta_recibida` lines add up to the bets of the input, and its one `sorteo` line comes after
        all of them.
    python3 docker/smoke_checks.py rerun LOG_DIR DATA_DIR N
        The same for agencies run again against a central that already holds all their bets (a
        restarted central, or a store kept on the host): the same winners, and no bet sent again.
    python3 docker/smoke_checks.py store STORE_CSV DATA_DIR N
        The store holds exactly the input bets: the same rows, as a multiset, read with Python's csv
        module, each input row prefixed with its agency id.
    python3 docker/smoke_checks.py status URL DATA_DIR N
        The central's live view, published on the host (STATUS_HOST_PORT), after the draw: /health answers,
        /status.json counts the input's bets, every agency finished and the draw, and shows no document;
        /metrics (Prometheus text) counts the same bets and the draw.

Each failed check prints one line starting with FAIL; the exit code is the number of failed checks
(0 when all pass). Passed checks print one line each.
"""
import collections
import csv
import json
import re
import sys
import urllib.request

WINNING_NUMBER = "7574"
WINNERS = re.compile(r"action: consulta_ganadores \| result: success \| cant_ganadores: (\d+)")
RECEIVED = re.compile(r"action: apuesta_recibida \| result: success \| cantidad: (\d+)")
DRAW = re.compile(r"action: sorteo \| result: success")
FAILED = re.compile(r"\| result: fail\b")


class Checks:
    def __init__(self):
        self.failures = 0

    def check(self, ok, passed, failed):
        if ok:
            print(f"  ok: {passed}")
        else:
            print(f"  FAIL: {failed}")
            self.failures += 1


def input_rows(data_dir, agencies):
    """Yields (agency, row) for every bet of the input files, read as csv.reader reads them."""
    for agency in range(1, agencies + 1):
        with open(f"{data_dir}/agency-{agency}.csv", newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                yield agency, row


def read_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


def check_run(log_dir, data_dir, agencies, rerun=False):
    checks = Checks()
    expected = collections.Counter()
    total_bets = 0
    for agency, row in input_rows(data_dir, agencies):
        total_bets += 1
        if row[-1] == WINNING_NUMBER:
            expected[agency] += 1

    wrong = []
    for agency in range(1, agencies + 1):
        found = [int(m.group(1)) for line in read_lines(f"{log_dir}/client{agency}.log")
                 for m in [WINNERS.search(line)] if m]
        if found != [expected[agency]]:
            wrong.append(f"client{agency}: {found or 'no winners line'}, expected [{expected[agency]}]")
    checks.check(not wrong,
                  f"every agency logged its cant_ganadores once, right for its file "
                  f"({sum(expected.values())} winners in all)",
                  "wrong winners lines: " + "; ".join(wrong[:10]) + (" ..." if len(wrong) > 10 else ""))

    server = read_lines(f"{log_dir}/server.log")
    failed = [f"server: {line}" for line in server if FAILED.search(line)]
    for agency in range(1, agencies + 1):
        failed += [f"client{agency}: {line}" for line in read_lines(f"{log_dir}/client{agency}.log")
                   if FAILED.search(line)]
    checks.check(not failed, "no `result: fail` line in any container's log",
                  f"{len(failed)} `result: fail` lines, first: {failed[:3]}")

    received = [(i, int(m.group(1))) for i, line in enumerate(server) for m in [RECEIVED.search(line)] if m]
    draws = [i for i, line in enumerate(server) if DRAW.search(line)]
    stored = sum(count for _, count in received)
    if rerun:
        checks.check(stored == 0, "no bet sent again: the central already held them all",
                      f"apuesta_recibida lines add up to {stored}, expected none (every bet was already stored)")
    else:
        checks.check(stored == total_bets,
                      f"the central's {len(received)} apuesta_recibida lines add up to the {total_bets} input bets",
                      f"apuesta_recibida lines add up to {stored}, the input has {total_bets} bets")
    checks.check(len(draws) == 1 and all(i < draws[0] for i, _ in received),
                  "one sorteo line, after every apuesta_recibida line",
                  f"{len(draws)} sorteo lines (expected 1, after the last apuesta_recibida)")
    return checks.failures


def check_store(store_csv, data_dir, agencies):
    checks = Checks()
    expected = collections.Counter(tuple([str(agency)] + row) for agency, row in input_rows(data_dir, agencies))
    with open(store_csv, newline="", encoding="utf-8") as f:
        stored = collections.Counter(tuple(row) for row in csv.reader(f))
    missing = expected - stored
    extra = stored - expected
    checks.check(not missing and not extra,
                  f"the store holds exactly the input bets: {sum(stored.values())} rows, as a multiset",
                  f"the store differs from the input: {sum(missing.values())} input rows missing "
                  f"(e.g. {list(missing)[:2]}), {sum(extra.values())} rows not in the input "
                  f"(e.g. {list(extra)[:2]})")
    return checks.failures


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode("utf-8")


def json_strings(value):
    """Every string in a parsed JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def check_status(url, data_dir, agencies):
    checks = Checks()
    rows = list(input_rows(data_dir, agencies))
    try:
        health, _ = fetch(url + "/health")
        _, text = fetch(url + "/status.json")
        _, metrics = fetch(url + "/metrics")
    except OSError as e:
        checks.check(False, "", f"the live view at {url} did not answer: {e}")
        return checks.failures
    checks.check(health == 200, f"{url}/health answers 200", f"{url}/health answered {health}")
    status = json.loads(text)
    checks.check(status.get("betsStored") == len(rows) and status.get("drawn") is True
                 and status.get("agenciesFinished") == agencies,
                 f"/status.json: {len(rows)} bets stored, {agencies} agencies finished, drawn",
                 f"/status.json says betsStored {status.get('betsStored')}, agenciesFinished "
                 f"{status.get('agenciesFinished')}, drawn {status.get('drawn')}; the input has {len(rows)} bets")
    # Documents are strings (CONTRACT.md), so a document shown would be in a string; counts and byte sizes are
    # numbers, and one may happen to have a document's digits.
    documents = {row[2] for _, row in rows if len(row) > 2}
    shown = sorted({token for string in json_strings(status) for token in re.findall(r"\d+", string)} & documents)
    checks.check(not shown, "/status.json shows no document (DNI)", f"/status.json shows documents: {shown[:3]}")
    stored = re.search(r"^lottery_bets_stored_total (\S+)$", metrics, re.MULTILINE)
    drawn = re.search(r"^lottery_draw_completed (\S+)$", metrics, re.MULTILINE)
    checks.check(stored and float(stored.group(1)) == len(rows) and drawn and float(drawn.group(1)) == 1,
                 f"/metrics: lottery_bets_stored_total {len(rows)}, lottery_draw_completed 1",
                 f"/metrics: lottery_bets_stored_total {stored.group(1) if stored else None}, "
                 f"lottery_draw_completed {drawn.group(1) if drawn else None}")
    return checks.failures


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("run", "rerun", "store", "status"):
        sys.exit(__doc__)
    what, path, data_dir, agencies = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if what == "store":
        failures = check_store(path, data_dir, agencies)
    elif what == "status":
        failures = check_status(path, data_dir, agencies)
    else:
        failures = check_run(path, data_dir, agencies, rerun=what == "rerun")
    sys.exit(min(failures, 100))


if __name__ == "__main__":
    main()
