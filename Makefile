# Lotería Nacional: build, test and run. `make` alone lists the targets.
SHELL := /bin/bash
AGENCIES ?= 5
DEV_COMPOSE := docker-compose-dev.yaml
DOCKER_COMPOSE ?= docker compose

.DEFAULT_GOAL := help
.PHONY: help build test demo compose bench bench-standard bench-national bench-pipeline bench-postgres bench-failover \
	soak lint smoke \
	docker-image docker-compose-up docker-compose-down docker-compose-logs

help:
	@echo "Targets:"
	@echo "  build                both runnable jars (server/target, client/target), tests skipped, and their class-data"
	@echo "                       sharing archives (central.jsa, agency.jsa beside them: scripts/class-archives.sh)"
	@echo "  test                 every module's tests (mvn -B verify), after installing PostgreSQL, pg_auto_failover and"
	@echo "                       Chromium when missing"
	@echo "  demo                 server and AGENCIES agencies as local processes (scripts/run-local.sh)"
	@echo "  bench                ingest benchmark against the reference centrals in interleaved rounds (scripts/bench.sh):"
	@echo "                       the standard case (50 agencies) and the national one (10,000 agencies of 100 bets),"
	@echo "                       then both side by side: CPU per agency, ceiling, bets/s, peak RSS; AGENCIES=K runs"
	@echo "                       the standard shape with K agencies alone"
	@echo "  bench-standard       the standard case alone; ends with cpu:, ceiling: and bets/s: N"
	@echo "  bench-national       the national case alone (10,000 agencies of 100 bets at once)"
	@echo "  bench-postgres       the same with the central on a throwaway PostgreSQL server (STORE=postgres)"
	@echo "  bench-failover       2 centrals, 6 agencies x 40,000 bets on a PostgreSQL pair (pg_auto_failover), a node"
	@echo "                       killed mid-run, ROUNDS (default 5) rounds per case: the outage's medians"
	@echo "  soak                 crash soak: 4 agencies stream while the central is SIGKILLed and restarted on the same"
	@echo "                       store, 100 cycles, then every check (ar.loteria.soak.CrashSoak); ends with soak: PASS"
	@echo "  bench-pipeline       the central's pipeline without sockets on JMH, each stage in ns per bet (1 to"
	@echo "                       3 min); PIPELINE_ARGS takes JMH's options: PIPELINE_ARGS= for the longer default run"
	@echo "  compose              regenerate $(DEV_COMPOSE) for AGENCIES agencies"
	@echo "  lint                 check the Docker setup without an engine (docker/check.sh)"
	@echo "  smoke                build the images and run the composition for real, 5 and 100 agencies (docker/smoke.sh)"
	@echo "  docker-image         build server:latest and client:latest"
	@echo "  docker-compose-up    build the images and start $(DEV_COMPOSE) in the background"
	@echo "  docker-compose-down  stop the composition (30 s to shut down cleanly), then remove it"
	@echo "  docker-compose-logs  follow the composition's logs"
	@echo "AGENCIES defaults to 5: make demo AGENCIES=3"

build:
	mvn -B package -DskipTests
	./scripts/class-archives.sh

# The README's test command, and CI's: what the tests need that Maven does not bring (PostgreSQL's server
# binaries, pg_auto_failover, Chromium and its driver; installed when missing), then every module's tests.
test:
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-pg-auto-failover.sh
	bash scripts/ensure-chromium.sh
	mvn -B verify

demo:
	./scripts/run-local.sh $(AGENCIES)

# The standard case is 50 agencies (the course's data set ten times), the national one 10,000 agencies of 100 bets.
# Every round runs the central and the two reference centrals (null, null+csv) in turn; BENCH_ARGS="--references
# false" runs it alone. With AGENCIES given, `make bench` runs the standard shape with that many agencies alone.
bench:
	./scripts/bench.sh $(if $(filter command line environment,$(origin AGENCIES)),$(AGENCIES),all)

bench-standard:
	./scripts/bench.sh $(if $(filter command line environment,$(origin AGENCIES)),$(AGENCIES),50)

bench-national:
	./scripts/bench.sh national

bench-postgres:
	STORE=postgres ./scripts/bench.sh $(if $(filter command line environment,$(origin AGENCIES)),$(AGENCIES),50)

# Installs PostgreSQL and pg_auto_failover when missing. CASES, BETS, BASELINE_JAR...: scripts/bench-failover.sh.
ROUNDS ?= 5
bench-failover:
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-pg-auto-failover.sh
	./scripts/bench-failover.sh $(ROUNDS)

# Builds the jars when a main source or pom is newer than the benchmarks' jar (the last one built), then runs the soak.
# Extra options in SOAK_ARGS (all of them: SOAK_ARGS=--help), e.g. SOAK_ARGS="--cycles 20 --seed 3 --keep".
soak:
	@if [[ ! -f benchmarks/target/lottery-bench.jar || ! -f server/target/lottery-server.jar \
		|| ! -f client/target/lottery-client.jar ]] || [[ -n $$(find common-codec common-logging server client \
		benchmarks pom.xml -newer benchmarks/target/lottery-bench.jar \( -path '*/src/main/*' -o -name pom.xml \) \
		-type f -print -quit) ]]; then \
		echo "building (mvn -B -q package -DskipTests) ..."; mvn -B -q package -DskipTests; fi
	java -Xmx1g -XX:TieredStopAtLevel=1 -cp benchmarks/target/lottery-bench.jar ar.loteria.soak.CrashSoak \
		--server-jar server/target/lottery-server.jar --client-jar client/target/lottery-client.jar --cycles 100 \
		$(SOAK_ARGS)

# The pipeline benchmark (PipelineBenchmark, JMH): one fork per stage, 2 warm-up and 3 measured iterations of 1 s.
# PIPELINE_ARGS replaces those options: empty for the class's own (3 warm-up and 5 measured iterations of 2 s),
# or e.g. PIPELINE_ARGS="-f 3 -wi 5 -i 10", "-jvmArgsAppend -XX:TieredStopAtLevel=1" (C1 only, as the image runs
# the central), "-p bets=100000", "-h".
PIPELINE_ARGS ?= -wi 2 -w 1s -i 3 -r 1s
bench-pipeline:
	mvn -B -q package -DskipTests -pl benchmarks -am
	java -jar benchmarks/target/lottery-bench.jar $(PIPELINE_ARGS)

compose:
	./generar-compose.sh $(DEV_COMPOSE) $(AGENCIES)

lint:
	bash docker/check.sh

smoke:
	bash docker/smoke.sh

docker-image:
	docker build -f ./server/Dockerfile -t server:latest .
	docker build -f ./client/Dockerfile -t client:latest .

docker-compose-up: docker-image
	$(DOCKER_COMPOSE) -f $(DEV_COMPOSE) up -d --build

docker-compose-down:
	$(DOCKER_COMPOSE) -f $(DEV_COMPOSE) stop -t 30
	$(DOCKER_COMPOSE) -f $(DEV_COMPOSE) down

docker-compose-logs:
	$(DOCKER_COMPOSE) -f $(DEV_COMPOSE) logs -f
