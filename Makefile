# Lotería Nacional: build, test and run. `make` alone lists the targets.
SHELL := /bin/bash
AGENCIES ?= 5
DEV_COMPOSE := docker-compose-dev.yaml
DOCKER_COMPOSE ?= docker compose

.DEFAULT_GOAL := help
.PHONY: help build test demo compose bench bench-pipeline bench-postgres lint \
	docker-image docker-compose-up docker-compose-down docker-compose-logs

help:
	@echo "Targets:"
	@echo "  build                both runnable jars (server/target, client/target), tests skipped"
	@echo "  test                 mvn verify: every module's tests"
	@echo "  demo                 server and AGENCIES agencies as local processes (scripts/run-local.sh)"
	@echo "  bench                ingest benchmark, 50 agencies or AGENCIES, against the central and the reference"
	@echo "                       centrals in interleaved rounds (scripts/bench.sh); ends with ceiling: and bets/s: N"
	@echo "  bench-postgres       the same with the central on a throwaway PostgreSQL server (STORE=postgres)"
	@echo "  bench-pipeline       the central's pipeline without sockets on JMH, each stage in ns per bet (1 to"
	@echo "                       3 min); PIPELINE_ARGS takes JMH's options: PIPELINE_ARGS= for the longer default run"
	@echo "  compose              regenerate $(DEV_COMPOSE) for AGENCIES agencies"
	@echo "  lint                 check the Docker setup without an engine (docker/check.sh)"
	@echo "  docker-image         build server:latest and client:latest"
	@echo "  docker-compose-up    build the images and start $(DEV_COMPOSE) in the background"
	@echo "  docker-compose-down  stop the composition (30 s to shut down cleanly), then remove it"
	@echo "  docker-compose-logs  follow the composition's logs"
	@echo "AGENCIES defaults to 5: make demo AGENCIES=3"

build:
	mvn -B package -DskipTests

test:
	mvn -B verify

demo:
	./scripts/run-local.sh $(AGENCIES)

# The standard case is 50 agencies (the course's data set ten times) unless AGENCIES is given. Every round runs the
# central and the two reference centrals (null, null+csv) in turn; BENCH_ARGS="--references false" runs it alone.
bench:
	./scripts/bench.sh $(if $(filter command line environment,$(origin AGENCIES)),$(AGENCIES),50)

bench-postgres:
	STORE=postgres ./scripts/bench.sh $(if $(filter command line environment,$(origin AGENCIES)),$(AGENCIES),50)

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
