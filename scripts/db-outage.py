#!/usr/bin/env python3
"""What a database outage costs: batches the centrals refuse meanwhile, and how soon the agencies are back.

Two centrals (SERVER_JAR) on one throwaway PostgreSQL server (scripts/pg-local.sh), six agencies streaming 20,000
bets each in batches of two, every agency told both centrals. Once a quarter of the bets is stored the database is
stopped at once (a crash, `pg_ctl stop -m immediate`) and started again OUTAGE seconds later. Each round runs every
agency jar of AGENCY_JARS once, in the order given, so that rounds interleave them. Per run it prints one line:
the agencies' exit codes, the bets stored, the batches the centrals refused while the database was lost (the sum
of their `base_de_datos | success | ... | lotes_rechazados: N` lines), the seconds from the restart to the first
bet stored after it, and to the last agency's winners.

    scripts/db-outage.py                                     # this checkout's jars, 2 rounds, 30 s outages
    AGENCY_JARS=before=/tmp/old-client.jar,after=client/target/lottery-client.jar ROUNDS=3 scripts/db-outage.py

Needs both jars (`mvn -B -q package -DskipTests`) and Debian's PostgreSQL (scripts/ensure-postgres.sh); as root,
like pg-local.sh. Everything runs on 127.0.0.1; the work folder (WORK, default /tmp/db-outage) is emptied first.
"""
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER_JAR = os.path.abspath(os.environ.get("SERVER_JAR", f"{ROOT}/server/target/lottery-server.jar"))
AGENCY_JARS = {label: os.path.abspath(jar) for label, jar in (entry.split("=", 1) for entry in
               os.environ.get("AGENCY_JARS", f"agency={ROOT}/client/target/lottery-client.jar").split(","))}
OUTAGE = float(os.environ.get("OUTAGE", "30"))
ROUNDS = int(os.environ.get("ROUNDS", "2"))
WORK = os.environ.get("WORK", "/tmp/db-outage")
PG = f"{WORK}/pg"
DATA = f"{WORK}/data"
AGENCIES, BETS = 6, 20_000
AGENCY_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m"
LISTENING = re.compile(r"accept_connections \| result: in_progress \| port: (\d+)")
BACK = re.compile(r"base_de_datos \| result: success \| url: \S+ \| lotes_rechazados: (\d+)")
# Only what this script passes configures the programs.
CLEAN = {k: v for k, v in os.environ.items()
         if not k.startswith(("CLI_", "SERVER_", "STORAGE_", "STATUS_", "TLS_"))
         and k not in ("AGENCIES", "JAVA_TOOL_OPTIONS")}


def pg_bin():
    versions = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: [int(p) for p in v.split(".")])
    return f"/usr/lib/postgresql/{versions[-1]}/bin"


BIN = pg_bin()


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def as_postgres(*cmd):
    return run("runuser", "-u", "postgres", "--", *cmd)


def psql(port, sql, db="postgres"):
    return as_postgres(f"{BIN}/psql", "-h", PG, "-p", str(port), "-U", "postgres", "-d", db, "-tAc", sql).strip()


def stored(port, db):
    return int(psql(port, "SELECT count(*) FROM bets", db))


def start(cmd, cwd, env, log):
    os.makedirs(cwd, exist_ok=True)
    return subprocess.Popen(cmd, cwd=cwd, env=dict(CLEAN, **env), stdout=open(log, "w"), stderr=subprocess.STDOUT)


def await_port(log, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        match = LISTENING.search(open(log).read())
        if match:
            return match.group(1)
        time.sleep(0.1)
    sys.exit(f"no central listening in {log}")


def one_run(label, jar, port, folder):
    db = f"outage_{label}_{os.getpid()}_{int(time.time())}"
    psql(port, f"CREATE DATABASE {db}")
    url = f"jdbc:postgresql://127.0.0.1:{port}/{db}"
    centrals = []
    for i in (1, 2):
        log = f"{folder}/central-{i}.log"
        env = {"SERVER_PORT": "0", "AGENCIES": str(AGENCIES), "STATUS_PORT": "0", "STORAGE_URL": url,
               "STORAGE_USER": "postgres", "STORAGE_PASSWORD": "lottery"}
        centrals.append((start(["java", "-Xmx256m", "-jar", SERVER_JAR], f"{folder}/central-{i}", env, log), log))
    addresses = ",".join(f"127.0.0.1:{await_port(log)}" for _, log in centrals)
    agencies = []
    for a in range(1, AGENCIES + 1):
        env = {"CLI_ID": str(a), "CLI_SERVER_ADDRESS": addresses, "CLI_BATCH_MAXAMOUNT": "2",
               "CLI_DATA_FILE": f"{DATA}/agency-{a}.csv", "JAVA_TOOL_OPTIONS": AGENCY_JVM}
        agencies.append(start(["java", "-jar", jar], f"{folder}/agency-{a}", env, f"{folder}/agency-{a}.log"))
    try:
        deadline = time.time() + 120
        while stored(port, db) < AGENCIES * BETS // 4:
            if time.time() > deadline:
                sys.exit("the ingest did not reach a quarter of the bets in 120 s")
            time.sleep(0.05)
        as_postgres(f"{BIN}/pg_ctl", "-D", f"{PG}/data", "-m", "immediate", "-w", "stop")
        lost = time.time()
        time.sleep(OUTAGE)
        as_postgres(f"{BIN}/pg_ctl", "-D", f"{PG}/data", "-l", f"{PG}/server.log", "-w", "-t", "60", "start", "-o",
                    f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={PG}")
        back = time.time()
        before = stored(port, db)
        while stored(port, db) == before and time.time() - back < 60:
            time.sleep(0.02)
        resumed = time.time()
        codes = [agency.wait(timeout=600) for agency in agencies]
        done = time.time()
        total = stored(port, db)
    finally:
        for process in agencies + [p for p, _ in centrals]:
            if process.poll() is None:
                process.terminate()
        for process in agencies + [p for p, _ in centrals]:
            process.wait(timeout=60)
    refused = sum(int(m.group(1)) for _, log in centrals for m in BACK.finditer(open(log).read()))
    print(f"{label}: exits {codes}, stored {total}, refused while lost {refused}, first bet {resumed - back:.2f} s "
          f"and last winners {done - back:.1f} s after the restart ({done - lost:.1f} s after the loss)", flush=True)


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    run(f"{ROOT}/scripts/pg-local.sh", "start", PG)
    port = int(open(f"{PG}/port").read())
    run("java", "-jar", next(iter(AGENCY_JARS.values())), "generate", "--out", DATA, "--agencies", str(AGENCIES),
        "--bets", str(BETS), "--seed", "22")
    print(f"db-outage: {AGENCIES} agencies x {BETS} bets in batches of 2, 2 centrals, {OUTAGE:g} s outages, "
          f"{ROUNDS} rounds of {', '.join(AGENCY_JARS)}", flush=True)
    try:
        for r in range(ROUNDS):
            for label, jar in AGENCY_JARS.items():
                one_run(label, jar, port, f"{WORK}/{label}-{r}")
    finally:
        subprocess.run([f"{ROOT}/scripts/pg-local.sh", "stop", PG])


main()
